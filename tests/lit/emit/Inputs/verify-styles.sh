#!/bin/sh
# verify-styles.sh RNNFSAC SPEC OUTDIR CACHEDIR
#
# Compile SPEC to C and an LLVM object with --verify (which then checks
# both) once per emit style (table, then switch) and
# print, per style, one line "<folder>/<name> <style>: <the verify line>".
# The style is set on the normalized spec (--print-spec writes exactly one
# "style" line), and the variant is written beside SPEC so its data paths,
# relative to the spec's folder, still resolve.  Both runs share CACHEDIR:
# emit does not enter the network's cache key, so the second run reuses the
# first one's training.  Exits non-zero, with the compiler's output on
# stderr, if a run fails, prints no verify line, or emits the wrong style.
set -u
rnnfsac=$1 spec=$2 out=$3 cache=$4
dir=$(dirname "$spec")
name=$(basename "$spec" .spec)
tag=$(basename "$dir")/$name
mkdir -p "$out" || exit 1

"$rnnfsac" --print-spec "$spec" > "$out/$name.norm" || {
  echo "$tag: --print-spec failed" >&2; exit 1; }
if [ "$(grep -c '^ *style [a-z]*;$' "$out/$name.norm")" -ne 1 ]; then
  echo "$tag: normalized spec has no single style line" >&2; exit 1
fi

for style in table switch; do
  v=$dir/$name.verify-$style.spec
  sed "s/^\( *\)style [a-z]*;\$/\1style $style;/" "$out/$name.norm" > "$v" || exit 1
  # the variant reads back as written: the example itself, but for the style
  "$rnnfsac" --print-spec "$v" | grep -v '^#' > "$out/$name-$style.norm"
  if ! grep -v '^#' "$v" | cmp -s - "$out/$name-$style.norm"; then
    echo "$tag $style: the variant spec does not normalize to itself" >&2; exit 1
  fi
  log=$out/$name-$style.log
  if ! "$rnnfsac" --verify --cache-dir "$cache" "$v" -o "$out/$name-$style.c" -o "$out/$name-$style.o" > "$log" 2>&1; then
    echo "$tag $style: rnnfsac --verify failed" >&2; cat "$log" >&2; exit 1
  fi
  line=$(grep '^rnnfsac: verified the generated C' "$log")
  if [ -z "$line" ]; then
    echo "$tag $style: no verify line" >&2; cat "$log" >&2; exit 1
  fi
  if ! grep -q "^\*\* Style: *$style;" "$out/$name-$style.h"; then
    echo "$tag $style: the header does not say style $style" >&2; exit 1
  fi
  echo "$tag $style: $line"
done
