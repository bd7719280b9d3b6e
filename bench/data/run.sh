#!/bin/sh
# bench/data/run.sh [BUILD] -- loading 100 MB of TSV: time and peak memory.
#
# Builds a TSV of about SIZE_MB megabytes (default 100) by repeating the
# bundled Yelp sentences with a counter appended (so lines differ), then
# loads it with a words tokenizer through data_load.  Prints the peak
# resident set size as a multiple of the file size (target: a small
# multiple).  There is no peer: the figure is against the file itself.
set -e
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
SIZE_MB=${SIZE_MB:-100}
make --no-print-directory BUILD="$BUILD" "$BUILD/librnnfsac.a" >/dev/null
mkdir -p "$BUILD/bench"
${CC:-cc} -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Icompiler -Iruntime -I/usr/include/x86_64-linux-gnu \
  -Wall -Wextra -Werror -o "$BUILD/bench/load_bench" bench/data/load_bench.c \
  "$BUILD/librnnfsac.a" $(llvm-config --ldflags --libs core 2>/dev/null) -lopenblas -ljansson -lm
TSV="$BUILD/bench/big.tsv"
if [ ! -f "$TSV" ] || [ "$(du -m "$TSV" | cut -f1)" -lt "$SIZE_MB" ]; then
  awk -v target=$((SIZE_MB * 1048576)) 'BEGIN { n = 0 }
    { line[n++] = $0 }
    END { size = 0; i = 0
          while (size < target) { s = line[i % n] " #" i; print s; size += length(s) + 1; i++ } }' \
    examples/sentiment/yelp.tsv > "$TSV"
fi
cat > "$BUILD/bench/big.spec" <<SPEC
model big { data { train "big.tsv"; format tsv; tokens words; vocab 2000; split 80 10 10; } }
SPEC
"$BUILD/bench/load_bench" "$BUILD/bench/big.spec"
