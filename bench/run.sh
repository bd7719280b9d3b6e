#!/bin/sh
# Run every benchmark: each bench/<name>/run.sh measures rnnfsac and its
# named peer in one run and prints medians and their ratio.
# usage: bench/run.sh BUILD
BUILD=${1:-build}
status=0
for b in bench/*/run.sh; do
  [ -f "$b" ] || continue
  echo "=== $(dirname "$b")"
  sh "$b" "$BUILD" || status=1
done
exit $status
