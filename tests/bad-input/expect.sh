#!/bin/sh
# expect.sh N CMD...: run CMD with stderr merged into stdout, print that,
# and exit 1 (saying why) unless CMD exited with status N.
want=$1; shift
"$@" 2>&1
st=$?
if [ "$st" -ne "$want" ]; then
  echo "expect.sh: exit status $st, expected $want: $*"
  exit 1
fi
exit 0
