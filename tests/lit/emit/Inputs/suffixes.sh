#!/bin/sh
# suffixes.sh PREFIX FILE... -- every name the files define after
# "PREFIX_" (or "UPPER(PREFIX)_") is a suffix; fail when one suffix ends in
# "_" plus another, since then prefix "PREFIX_<head>" would define that
# name too (docs/generated-api.md "API").  Comments are stripped first,
# by GCC by name: its -fpreprocessed strips them without expanding
# anything, and clang has no such flag (gcc comes with build-essential).
set -e
p=$1; shift
P=$(printf '%s' "$p" | tr a-z A-Z)
for f in "$@"; do gcc -fpreprocessed -dD -E -P -x c "$f"; done |
  grep -oE "(^|[^A-Za-z0-9_])($p|$P)_[A-Za-z0-9_]+" |
  sed -E "s/^[^A-Za-z0-9_]//; s/^($p|$P)_//" | sort -u > suffixes.txt
test -s suffixes.txt
awk '{ s[NR] = $0 } END {
       bad = 0
       for (i = 1; i <= NR; i++) for (j = 1; j <= NR; j++) {
         t = "_" s[j]; n = length(s[i]); k = length(t)
         if (n > k && substr(s[i], n - k + 1) == t) { print "clash: " s[i] " ends in " t; bad = 1 }
       }
       printf "%d suffixes\n", NR
       exit bad }' suffixes.txt
