#!/bin/sh
# bench/llvm/run.sh -- throughput of the LLVM back end's object against the
# C back end's code compiled with clang -O2, from the same automaton, per
# style: examples/tomita/tomita4.spec (bytes) on Tomita 4 strings and on
# random bits, examples/sentiment/yelp.spec (words) on the yelp reviews.
# Uses bench/cgen/bench.c (median GB/s of 9 runs on 32 MiB), and the
# median of that over ROUNDS (default 5) rounds.
#
# usage: sh bench/llvm/run.sh [BUILD]     (needs BUILD/rnnfsac and clang)
# Prints each variant, then the LLVM/C speed ratio per style and input
# (target: >= 0.90).
set -e
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RNF=$ROOT/$BUILD/rnnfsac
[ -x "$RNF" ] || { echo "run.sh: build $RNF first (make BUILD=$BUILD)" >&2; exit 1; }
command -v clang >/dev/null 2>&1 || { echo "run.sh: clang not found" >&2; exit 1; }
OUT=$ROOT/$BUILD/bench-llvm
mkdir -p "$OUT"
cd "$OUT"

for style in table switch; do
  p=t4$(echo $style | cut -c1)          # t4t, t4s
  sed -e "s/^\( *\)emit .*/\1emit { style $style; prefix $p; }/" \
      "$ROOT/examples/tomita/tomita4.spec" > $p.spec
  "$RNF" -q --cache-dir "$OUT/cache" $p.spec -o $p.c -o ${p}_llvm.o -O2
  clang -std=c99 -O2 -c $p.c -o ${p}_c.o
  y=yw$(echo $style | cut -c1)          # ywt, yws
  sed -e "s/^\( *\)emit .*/\1emit { style $style; prefix $y; }/" \
      -e "s|train \"yelp.tsv\"|train \"$ROOT/examples/sentiment/yelp.tsv\"|" \
      "$ROOT/examples/sentiment/yelp.spec" > $y.spec
  "$RNF" -q --cache-dir "$OUT/cache" $y.spec -o $y.c -o ${y}_llvm.o -O2
  clang -std=c99 -O2 -c $y.c -o ${y}_c.o
done

for p in t4t t4s ywt yws; do
  for impl in c llvm; do
    clang -std=c99 -O2 -DCLASSIFY=${p}_classify -o bench-$p-$impl "$ROOT/bench/cgen/bench.c" ${p}_$impl.o
  done
done

# C and LLVM alternate within a round (bench/rounds.sh takes the medians).
round() {
  for mode in t4 bits; do
    echo "## tomita4, input $mode"
    for p in t4t t4s; do
      for impl in c llvm; do ./bench-$p-$impl "$p-$mode-$impl" $mode; done
    done
  done
  echo "## yelp reviews (words)"
  for p in ywt yws; do
    for impl in c llvm; do ./bench-$p-$impl "$p-yelp-$impl" file "$ROOT/examples/sentiment/yelp.tsv"; done
  done
}
. "$ROOT/bench/rounds.sh"
rounds round
echo "## LLVM object speed / C (clang -O2) speed"
awk '/^##/ { next }
     { n = split($1, a, "-"); key = a[1] "-" a[2]; v[key, a[3]] = $4; keys[key] = 1 }
     END { for (k in keys) printf "%-10s %5.2fx\n", k, v[k, "llvm"] / v[k, "c"] }' results.txt | sort
