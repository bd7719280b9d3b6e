#!/bin/sh
# Run each libFuzzer target for SECONDS:  run.sh BUILD SECONDS TARGET...
# (`make fuzz` calls this after building BUILD/fuzz/fuzz_<target>.)
# Seeds: tests/fuzz/corpus/<target>/ (read only).  New inputs accumulate in
# BUILD/corpus/<target>/, crashes land in BUILD/crash-<target>-<hash>.
# Exits 1 if any target failed; prints one line per target.
BUILD=$1; SECONDS_EACH=$2; shift 2
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0}
# the reports must name the sanitizer frames; OpenBLAS must stay single-threaded
export OPENBLAS_NUM_THREADS=1
failed=""
for t in "$@"; do
  bin=$BUILD/fuzz/fuzz_$t
  mkdir -p "$BUILD/corpus/$t"
  log=$BUILD/fuzz-$t.log
  # -close_fd_mask=2: the targets' diagnostics are noise (sanitizer reports
  # still reach the log); -max_len: seed files are small, inputs stay modest.
  if "$bin" -max_total_time="$SECONDS_EACH" -timeout=20 -max_len=8192 -rss_limit_mb=2560 \
       -close_fd_mask=2 -print_final_stats=1 -artifact_prefix="$BUILD/crash-$t-" \
       "$BUILD/corpus/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
    echo "fuzz_$t: ok, ${runs:-?} runs in ${SECONDS_EACH}s, $cov"
  else
    echo "fuzz_$t: FAILED (log: $log)"; tail -n 60 "$log"
    failed="$failed $t"
  fi
done
[ -z "$failed" ] || { echo "fuzz: failed:$failed"; exit 1; }
