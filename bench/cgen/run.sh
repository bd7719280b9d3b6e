#!/bin/sh
# bench/cgen/run.sh -- throughput of generated classifiers: both rnnfsac
# styles against Ragel (-G2 goto code, -T0 tables) compiled from the same
# automaton, on byte-level (Tomita 4) and word-level (yelp reviews) input.
#
# usage: sh bench/cgen/run.sh [BUILD]      (needs BUILD/rnnfsac; ragel optional)
# Prints per variant the median GB/s and TSC cycles/byte over 9 runs on a
# 32 MiB buffer, then each variant's speed relative to the table style.
set -e
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RNF=$ROOT/$BUILD/rnnfsac
[ -x "$RNF" ] || { echo "run.sh: build $RNF first (make BUILD=$BUILD)" >&2; exit 1; }
OUT=$ROOT/$BUILD/bench-cgen
CC=${CC:-cc}
COPT=${COPT:--O2}
mkdir -p "$OUT"
cd "$OUT"

# Both styles of one spec: the emit line rewritten, data paths made absolute.
gen() {   # gen SPEC PREFIX STYLE
  sed -e "s/^\( *\)emit .*/\1emit { style $3; prefix $2; }/" \
      -e "s|train \"\([^/\"]*\)\"|train \"$(dirname "$1")/\1\"|" "$1" > "$2.spec"
  "$RNF" -q --cache-dir "$OUT/cache" "$2.spec" -o "$2.c"
}

bench() {  # bench NAME FUNC MODE [FILE] -- OBJECTS...
  name=$1 func=$2 mode=$3 file=$4; shift 5
  $CC -std=c99 $COPT -DCLASSIFY="$func" -o "bench-$name" "$ROOT/bench/cgen/bench.c" "$@"
  ./"bench-$name" "$name" "$mode" "$file"
}

gen "$ROOT/examples/tomita/tomita4.spec" t4t table
gen "$ROOT/examples/tomita/tomita4.spec" t4s switch
gen "$ROOT/examples/sentiment/yelp.spec" yt table
gen "$ROOT/examples/sentiment/yelp.spec" ys switch
rm -f ./*.o
for p in t4t t4s yt ys; do $CC -std=c99 $COPT -c $p.c -o $p.o; done
have_ragel=0
if command -v ragel >/dev/null 2>&1; then
  have_ragel=1
  python3 "$ROOT/bench/cgen/c2ragel.py" t4t.c t4t t4.rl
  rm -f t4g2.o t4t0.o
  ragel -G2 -o t4g2.c t4.rl
  ragel -T0 -o t4t0.c t4.rl
  $CC -std=c99 $COPT -c t4g2.c -o t4g2.o
  $CC -std=c99 $COPT -c t4t0.c -o t4t0.o
else
  echo "(ragel not installed: apt-get install ragel; Ragel rows skipped)"
fi

{
  for mode in t4 bits; do
    echo "## byte-level: tomita4, input $mode"
    bench "t4-$mode-table" t4t_classify $mode "" -- t4t.o
    bench "t4-$mode-switch" t4s_classify $mode "" -- t4s.o
    if [ $have_ragel = 1 ]; then
      bench "t4-$mode-ragel-G2" t4t_ragel_classify $mode "" -- t4g2.o
      bench "t4-$mode-ragel-T0" t4t_ragel_classify $mode "" -- t4t0.o
    fi
  done
  echo "## word-level: yelp reviews (text repeated)"
  bench "yelp-table" yt_classify file "$ROOT/examples/sentiment/yelp.tsv" -- yt.o
  bench "yelp-switch" ys_classify file "$ROOT/examples/sentiment/yelp.tsv" -- ys.o
} | tee results.txt

# every variant of one input must give the same label
awk '/^##/ { g++; next } { if ((g in lab) && lab[g] != $3) { print "LABEL MISMATCH: " $1; bad = 1 } lab[g] = $3 }
     END { exit bad }' results.txt
echo "## speed relative to the table style of the same input (GB/s ratio)"
awk '/^##/ { next }
     { split($1, a, "-"); key = a[1] "-" a[2]; if ($1 ~ /^yelp/) key = "yelp";
       if ($1 ~ /-table$/) base[key] = $4; gbs[NR] = $4; nm[NR] = $1; k[NR] = key }
     END { for (i = 1; i <= NR; i++) if (nm[i] != "") printf "%-22s %5.2fx\n", nm[i], gbs[i] / base[k[i]] }' results.txt
