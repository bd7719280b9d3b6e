#!/bin/sh
# experiments/gates/run.sh -- how the number of gates affects the extracted
# automata (Hou & Zhou, TNNLS 2020, section on gates).
#
# For every seed x language x cell x k it writes a spec from the templates
# beside this script, runs rnnfsac on it and keeps the JSON audit file
# (evaluation: network and automaton accuracy, fidelity, minimized states,
# equivalence with the target language; yelp: symbol classes).  Then
# tabulate.py averages over seeds into gates.md and SVG plots.
#
#   sh experiments/gates/run.sh [BIN] [OUT]     (defaults build/rnnfsac, build/experiments)
#
# The grid can be narrowed from the environment:
#   CELLS="elman mgu gru lstm"  KS="2 4 8 16 32"  SEEDS="1 2 3"
#   LANGS="t1 t2 t3 t4 t5 t6 t7 c0110 yelp"      JOBS=1 (rnnfsac -j)
# Resumable: a run whose JSON exists is skipped, and networks are cached
# (by content) in OUT/cache, so the k sweep trains each network once and a
# rerun after an interruption trains nothing already trained.  Seeds are the
# outer loop, so an interrupted run still holds whole seeds.  After changing
# the compiler, remove OUT/runs (extraction) or OUT (training too): finished
# runs are never redone.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${1:-build/rnnfsac}
OUT=${2:-build/experiments}
CELLS=${CELLS:-elman mgu gru lstm}
KS=${KS:-2 4 8 16 32}
SEEDS=${SEEDS:-1 2 3}
LANGS=${LANGS:-t1 t2 t3 t4 t5 t6 t7 c0110 yelp}
JOBS=${JOBS:-1}
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3

[ -x "$BIN" ] || { echo "run.sh: no compiler at $BIN (make it first)" >&2; exit 1; }
mkdir -p "$OUT/specs" "$OUT/runs" "$OUT/cache"
now() { date +%s.%N; }
t0=$(now); ran=0; skipped=0; failed=0

for seed in $SEEDS; do
  for lang in $LANGS; do
    case $lang in
      t[1-7])  tpl=tomita.spec.in; n=${lang#t} ;;
      c0110)   tpl=regex.spec.in;  n= ;;
      yelp)    tpl=yelp.spec.in;   n= ;;
      *) echo "run.sh: unknown language '$lang'" >&2; exit 1 ;;
    esac
    for cell in $CELLS; do
      for k in $KS; do
        name=$lang-$cell-s$seed-k$k
        json=$OUT/runs/$name.json
        if [ -s "$json" ]; then skipped=$((skipped + 1)); continue; fi
        spec=$OUT/specs/$name.spec
        sed -e "s|@NAME@|$(echo "$name" | tr -- - _)|" -e "s|@N@|$n|" -e "s|@CELL@|$cell|" \
            -e "s|@SEED@|$seed|" -e "s|@K@|$k|" -e "s|@ROOT@|$ROOT|" "$HERE/$tpl" > "$spec"
        s=$(now)
        if "$BIN" -q -j "$JOBS" --cache-dir "$OUT/cache" "$spec" -o "$json" \
             > "$OUT/runs/$name.log" 2>&1; then
          ran=$((ran + 1))
        else
          failed=$((failed + 1)); rm -f "$json"
          echo "run.sh: FAILED $name (see $OUT/runs/$name.log)" >&2
        fi
        e=$(now)
        secs=$(awk "BEGIN { printf \"%.1f\", $e - $s }")
        echo "$secs" > "$OUT/runs/$name.time"
        printf '%s %6.1fs  %s\n' "$(date -u +%H:%M:%S)" "$secs" "$name"
      done
    done
  done
done

echo "run.sh: $ran run, $skipped already done, $failed failed, $(awk "BEGIN { printf \"%d\", $(now) - $t0 }") s"
"$PY" "$HERE/tabulate.py" "$OUT" || exit 1
[ "$failed" -eq 0 ]
