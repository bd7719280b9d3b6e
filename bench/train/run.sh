#!/bin/sh
# bench/train/run.sh [BUILD] -- training throughput, rnnfsac vs PyTorch.
#
# Both train the same models (GRU hidden 32, LSTM hidden 64, one-hot input,
# batch 32, Adam, clip 5) on the same generated data (Tomita 4, 20000
# strings of length 1..20, 80% train) with THREADS threads, RUNS times each,
# and the medians of their training throughput (samples/s, training passes
# only) are compared.  PyTorch also runs with one thread, because its OpenMP
# threads can be far slower than one on a busy machine; the ratio is taken
# against PyTorch's better median.  PyTorch's epochs are long, so only its
# first TORCH_BATCHES batches are timed (its per-batch cost is steady).
# Needs /usr/bin/python3 with torch (Debian: apt-get install python3-torch).
set -eu
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
RUNS=${RUNS:-5}
EPOCHS=${EPOCHS:-3}
THREADS=${THREADS:-2}
TORCH_BATCHES=${TORCH_BATCHES:-100}
out=$BUILD/bench/train
mkdir -p "$out"

make --no-print-directory BUILD="$BUILD" "$BUILD/librnnfsac.a" >/dev/null
${CC:-cc} -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Icompiler -I/usr/include/x86_64-linux-gnu \
  -o "$out/train_bench" bench/train/train_bench.c "$BUILD/librnnfsac.a" -lopenblas -lm
"$out/train_bench" --quiet --epochs 1 --dump "$out/tomita4.tsv" >/dev/null

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
rate() { sed -n 's/.* \([0-9.]*\) samples\/s.*/\1/p'; }

have_torch=1
/usr/bin/python3 -c 'import torch' 2>/dev/null || have_torch=0
[ $have_torch = 1 ] || echo "note: no PyTorch (apt-get install python3-torch); rnnfsac only"

printf '%-10s %12s %12s %12s %8s\n' model rnnfsac/s "torch-$THREADS/s" torch-1/s ratio
for model in "gru 32" "lstm 64"; do
  set -- $model
  : > "$out/c.txt"; : > "$out/t.txt"; : > "$out/t1.txt"
  i=0
  while [ $i -lt "$RUNS" ]; do
    "$out/train_bench" --quiet --cell "$1" --hidden "$2" --epochs "$EPOCHS" --threads "$THREADS" \
      --seed $((i + 1)) | rate >> "$out/c.txt"
    if [ $have_torch = 1 ]; then
      for th in "$THREADS" 1; do
        /usr/bin/python3 bench/train/torch_peer.py "$out/tomita4.tsv" --cell "$1" --hidden "$2" \
          --epochs 1 --threads "$th" --max-batches "$TORCH_BATCHES" --seed $((i + 1)) \
          | rate >> "$out/$([ "$th" = 1 ] && echo t1 || echo t).txt"
      done
    fi
    i=$((i + 1))
  done
  c=$(median < "$out/c.txt")
  if [ $have_torch = 1 ]; then
    [ -s "$out/t.txt" ] || cp "$out/t1.txt" "$out/t.txt"     # THREADS=1
    t=$(median < "$out/t.txt"); t1=$(median < "$out/t1.txt")
    printf '%-10s %12.0f %12.0f %12.0f %7.1fx\n' "$1-$2" "$c" "$t" "$t1" \
      "$(echo "$c $t $t1" | awk '{ print $1 / ($2 > $3 ? $2 : $3) }')"
  else
    printf '%-10s %12.0f %12s %12s %8s\n' "$1-$2" "$c" - - -
  fi
done
