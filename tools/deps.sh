#!/bin/sh
# Install the Debian packages rnnfsac builds and tests with, if missing.
# As root this runs apt-get; otherwise it prints the command to run.
set -e
PKGS="build-essential flex bison libopenblas-dev libjansson-dev libcmocka-dev llvm-dev llvm-14-tools clang python3 graphviz python3-jsonschema chromium valgrind"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "deps: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "deps: missing packages:$missing" >&2
  echo "deps: run: sudo apt-get install -y$missing" >&2
  exit 1
fi
