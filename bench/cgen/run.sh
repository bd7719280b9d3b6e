#!/bin/sh
# bench/cgen/run.sh -- throughput of generated classifiers: both rnnfsac
# styles against Ragel (-G2 goto code, -T0 tables) compiled from the same
# automaton (words: a Ragel scanner of the same vocabulary and automaton,
# bench/cgen/json2ragel.py), and against the trained network itself (the compiler's
# tok_encode + rnn_classify, bench/cgen/net_bench.c), on byte-level
# (Tomita 4) and word-level (yelp reviews) input, and a word-level floor
# (bench/cgen/floor.c: one byte-class lookup per byte and nothing else).
#
# usage: sh bench/cgen/run.sh [BUILD]      (needs BUILD/rnnfsac; ragel optional)
# Prints per variant the median GB/s and TSC cycles/byte over 9 runs on a
# 32 MiB buffer (the network: 3 runs on its first 1 MiB), the median of
# that over ROUNDS (default 5) interleaved rounds, then each
# variant's speed relative to the table style, then the table style's speed
# over Ragel -G2's and over the network's.
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
  "$RNF" -q --cache-dir "$OUT/cache-$(basename "$1" .spec)" "$2.spec" -o "$2.c"
}

# The network of a spec: the one model in its cache folder.
net() {  # net SPEC PREFIX NAME MODE [FILE]
  "$OUT/net_bench" "$2.spec" "$(ls "$OUT/cache-$(basename "$1" .spec)"/*.rnnm | head -1)" "$3" "$4" ${5:+"$5"}
}

gen "$ROOT/examples/tomita/tomita4.spec" t4t table
# the same automaton as a flat one-byte table, which c2ragel.py reads back
gen "$ROOT/examples/tomita/tomita4.spec" t4r "table; max_step 1"
gen "$ROOT/examples/tomita/tomita4.spec" t4s switch
gen "$ROOT/examples/sentiment/yelp.spec" yt table
gen "$ROOT/examples/sentiment/yelp.spec" ys switch
rm -f ./*.o
for p in t4t t4s yt ys; do $CC -std=c99 $COPT -c $p.c -o $p.o; done
$CC -std=c99 $COPT -I. -DSRC='"yt.c"' -DTAB=yt_tab_byte -c "$ROOT/bench/cgen/floor.c" -o floor.o
make -C "$ROOT" --no-print-directory BUILD="$BUILD" "$BUILD/librnnfsac.a" >/dev/null
$CC -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -I"$ROOT/compiler" -I"$ROOT/runtime" -I/usr/include/x86_64-linux-gnu \
  -o net_bench "$ROOT/bench/cgen/net_bench.c" "$ROOT/$BUILD/librnnfsac.a" -lopenblas -ljansson -lm
have_ragel=0
if command -v ragel >/dev/null 2>&1; then
  have_ragel=1
  python3 "$ROOT/bench/cgen/c2ragel.py" t4r.c t4r t4.rl
  rm -f t4g2.o t4t0.o
  ragel -G2 -o t4g2.c t4.rl
  ragel -T0 -o t4t0.c t4.rl
  $CC -std=c99 $COPT -c t4g2.c -o t4g2.o
  $CC -std=c99 $COPT -c t4t0.c -o t4t0.o
  # words: the yelp automaton and vocabulary as a Ragel scanner, from the
  # JSON state table; it must label every yelp line as yt does.  Its -G2
  # goto code is one function of ~2 MB: gcc -O2 did not finish it in 12
  # minutes, so it is built with -O1 (clang -O2 measured the same speed).
  "$RNF" -q --cache-dir "$OUT/cache-yelp" yt.spec -o yt.json
  python3 "$ROOT/bench/cgen/json2ragel.py" yt.json yt yw.rl
  rm -f ywg2.o ywt0.o
  ragel -G2 -o ywg2.c yw.rl
  ragel -T0 -o ywt0.c yw.rl
  echo "(compiling the word-level Ragel scanners: about 1.5 minutes)"
  $CC -std=c99 -O1 -c ywg2.c -o ywg2.o
  $CC -std=c99 $COPT -c ywt0.c -o ywt0.o
  for v in ywg2 ywt0; do
    $CC -std=c99 $COPT -DA=yt_classify -DB=yt_ragel_classify -o same-$v "$ROOT/bench/cgen/same.c" yt.o $v.o
    ./same-$v "$ROOT/examples/sentiment/yelp.tsv" >/dev/null
  done
else
  echo "(ragel not installed: apt-get install ragel; Ragel rows skipped)"
fi

# Each program is compiled once; bench/rounds.sh runs every variant once
# per round and reports medians over the rounds.
prog() {  # prog NAME FUNC OBJECT: bench.c linked with one classifier
  $CC -std=c99 $COPT -DCLASSIFY="$2" -o "bench-$1" "$ROOT/bench/cgen/bench.c" "$3"
}
rm -f bench-t4-* bench-yelp-*
prog t4-table t4t_classify t4t.o
prog t4-switch t4s_classify t4s.o
if [ $have_ragel = 1 ]; then
  prog t4-ragel-G2 t4r_ragel_classify t4g2.o
  prog t4-ragel-T0 t4r_ragel_classify t4t0.o
fi
prog yelp-table yt_classify yt.o
prog yelp-switch ys_classify ys.o
if [ $have_ragel = 1 ]; then
  prog yelp-ragel-G2 yt_ragel_classify ywg2.o
  prog yelp-ragel-T0 yt_ragel_classify ywt0.o
fi
prog yelp-floor floor_classify floor.o

round() {
  for mode in t4 bits; do
    echo "## byte-level: tomita4, input $mode"
    for v in table switch ragel-G2 ragel-T0; do
      [ -x bench-t4-$v ] && ./bench-t4-$v "t4-$mode-$v" $mode
    done
  done
  echo "## word-level: yelp reviews (text repeated)"
  ./bench-yelp-table yelp-table file "$ROOT/examples/sentiment/yelp.tsv"
  ./bench-yelp-switch yelp-switch file "$ROOT/examples/sentiment/yelp.tsv"
  for v in ragel-G2 ragel-T0; do
    [ -x bench-yelp-$v ] && ./bench-yelp-$v yelp-$v file "$ROOT/examples/sentiment/yelp.tsv"
  done
  echo "## word-level floor: one byte-class lookup per byte, nothing else (bench/cgen/floor.c)"
  ./bench-yelp-floor yelp-floor file "$ROOT/examples/sentiment/yelp.tsv"
  # the network reads only a prefix of the input: its own group (own label)
  for mode in t4 bits; do
    echo "## network: tomita4, input $mode (first 1 MiB)"
    net "$ROOT/examples/tomita/tomita4.spec" t4t "t4-$mode-net" $mode
  done
  echo "## network: yelp reviews (first 1 MiB)"
  net "$ROOT/examples/sentiment/yelp.spec" yt "yelp-net" file "$ROOT/examples/sentiment/yelp.tsv"
}

. "$ROOT/bench/rounds.sh"
rounds round
echo "## speed relative to the table style of the same input (GB/s ratio)"
awk '/^##/ || $1 ~ /-net$/ { next }
     { split($1, a, "-"); key = a[1] "-" a[2]; if ($1 ~ /^yelp/) key = "yelp";
       if ($1 ~ /-table$/) base[key] = $4; gbs[NR] = $4; nm[NR] = $1; k[NR] = key }
     END { for (i = 1; i <= NR; i++) if (nm[i] != "") printf "%-22s %5.2fx\n", nm[i], gbs[i] / base[k[i]] }' results.txt
echo "## both styles over Ragel -G2, table style over the network (GB/s ratio; targets >= 1, >= 1000)"
awk '/^##/ { next }
     { key = ($1 ~ /^yelp/) ? "yelp" : substr($1, 1, index(substr($1, 4), "-") + 2);
       if ($1 ~ /-table$/) tab[key] = $4; if ($1 ~ /-switch$/) sw[key] = $4;
       if ($1 ~ /-ragel-G2$/) rg[key] = $4; if ($1 ~ /-net$/) nt[key] = $4;
       if ($1 ~ /-floor$/) fl[key] = $4;
       if (!(key in seen)) { seen[key] = 1; order[++n] = key } }
     END { for (i = 1; i <= n; i++) { k = order[i];
             if (k in rg) printf "%-10s table / ragel-G2  %8.2fx\n", k, tab[k] / rg[k];
             if (k in rg) printf "%-10s switch / ragel-G2 %8.2fx\n", k, sw[k] / rg[k];
             if (k in nt) printf "%-10s table / network   %8.0fx\n", k, tab[k] / nt[k];
             if ((k in nt) && (k in fl)) printf "%-10s floor / network   %8.0fx  (a table lookup per byte and nothing else)\n", k, fl[k] / nt[k] } }' results.txt
