#!/bin/sh
# bench/kmeans/run.sh [BUILD] -- k-means: cluster.c against scikit-learn.
#
# Same 200000 x 32 float32 matrix (standard normal noise, so neither side
# converges early), k 8 and 32, k-means++ then 50 Lloyd
# iterations, 1 restart, 5 timed runs each; prints the medians and the
# ratio.  Single-threaded on both sides by default (the build machine is
# shared); THREADS=n changes that.  N, D, ITERS, REPEAT, KS override the
# sizes.  Needs python3 with scikit-learn (Debian: python3-sklearn) for the
# comparison; without it only our timings are printed.
set -e
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
N=${N:-200000} D=${D:-32} ITERS=${ITERS:-50} REPEAT=${REPEAT:-5} KS=${KS:-"8 32"}
THREADS=${THREADS:-1}
export OPENBLAS_NUM_THREADS=$THREADS OMP_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS
PY=/usr/bin/python3
[ -x $PY ] || PY=python3

make --no-print-directory BUILD="$BUILD" "$BUILD/librnnfsac.a" >/dev/null
mkdir -p "$BUILD/bench"
${CC:-cc} -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Icompiler -I/usr/include/x86_64-linux-gnu \
  -Wall -Wextra -Werror -o "$BUILD/bench/kmeans_bench" bench/kmeans/kmeans_bench.c \
  "$BUILD/librnnfsac.a" -lopenblas -lm

DATA="$BUILD/bench/kmeans_x.f32"
OUT="$BUILD/bench/kmeans_times.txt"
echo "kmeans bench: ${N}x${D} float32, k $KS, $ITERS Lloyd iterations, 1 restart, $REPEAT runs, $THREADS thread(s)"
# shellcheck disable=SC2086
"$BUILD/bench/kmeans_bench" --n "$N" --d "$D" --iters "$ITERS" --repeat "$REPEAT" --dump "$DATA" $KS | tee "$OUT"
if $PY -c 'import sklearn' 2>/dev/null; then
  # shellcheck disable=SC2086
  $PY bench/kmeans/sklearn_peer.py "$DATA" "$N" "$D" "$ITERS" "$REPEAT" $KS | tee -a "$OUT"
  awk '
    { split($2, kv, "="); split($3, tv, "=");
      if ($1 == "ours") ours[kv[2]] = tv[2]; else sk[kv[2]] = tv[2] }
    END {
      for (kk in ours) if (kk in sk)
        printf "k=%s: ours %.3f s, scikit-learn %.3f s (medians); scikit-learn/ours = %.2fx\n",
               kk, ours[kk], sk[kk], sk[kk] / ours[kk]
    }' "$OUT" | sort -t= -k2 -n
else
  echo "scikit-learn not found ($PY): install python3-sklearn for the comparison"
fi
rm -f "$DATA"
