# bench/rounds.sh -- sourced by bench/cgen/run.sh and bench/llvm/run.sh.
#
# rounds FUNC: run FUNC, which prints "## group" headers and rows in
# bench_report's format (bench/cgen/input.h), ROUNDS times (default 5), so
# every variant runs once per round and a slow spell of a shared machine
# hits all sides; print the rows' medians over the rounds (bench/median.awk)
# and keep them in results.txt; fail if two variants of one group disagree
# on the label.
rounds() {
  : > rounds.txt
  r=0
  while [ $r -lt "${ROUNDS:-5}" ]; do
    r=$((r + 1))
    echo "(round $r of ${ROUNDS:-5})" >&2
    "$1" >> rounds.txt
  done
  awk -f "$ROOT/bench/median.awk" rounds.txt | tee results.txt
  awk '/^##/ { g++; next } { if ((g in lab) && lab[g] != $3) { print "LABEL MISMATCH: " $1; bad = 1 } lab[g] = $3 }
       END { exit bad }' results.txt
}
