#!/bin/sh
# Run every test against the build in $1 (default build): the cmocka unit
# binaries, then the lit suite.  Ends with one line "N passed, N failed".
BUILD=${1:-build}
LIT=${LIT:-/usr/lib/llvm-14/build/utils/lit/lit.py}
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0}
export NO_COLOR=1

passed=0; failed=0; failures=""
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

for t in "$BUILD"/tests/test_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  if CMOCKA_MESSAGE_OUTPUT=stdout "$t" >"$log/$name.out" 2>&1; then st=0; else st=$?; fi
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' "$log/$name.out" | tail -n 1)
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below:/\1/p' "$log/$name.out" | tail -n 1)
  p=${p:-0}; f=${f:-0}
  if [ "$st" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed or died before reporting
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$st" -ne 0 ]; then
    failures="$failures $name"
    echo "FAIL: $name (exit $st)"; tail -n 40 "$log/$name.out"
  else
    echo "ok: $name ($p tests)"
  fi
done

suites="tests/lit"
[ -f tests/bad-input/lit.cfg.py ] && suites="$suites tests/bad-input"
if $PY "$LIT" -s --param build="$BUILD" $suites >"$log/lit.out" 2>&1; then :; fi
cat "$log/lit.out"
lp=$(sed -n 's/^ *Passed *: *\([0-9]*\).*/\1/p' "$log/lit.out" | tail -n 1)
lf=$(sed -n 's/^ *Failed *: *\([0-9]*\).*/\1/p' "$log/lit.out" | tail -n 1)
lu=$(sed -n 's/^ *Unresolved *: *\([0-9]*\).*/\1/p' "$log/lit.out" | tail -n 1)
passed=$((passed + ${lp:-0})); failed=$((failed + ${lf:-0} + ${lu:-0}))
if [ -z "$lp" ] && [ -z "$lf" ]; then failed=$((failed + 1)); echo "FAIL: lit did not run"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
