#!/bin/sh
# A C compiler that miscompiles only the single-header translation unit
# (verify.test): it builds cls_one.c with the label function's result
# inverted, so --verify must catch the single-header form on its own.
for a in "$@"; do
  case "$a" in
    */cls_one.c) sed -i 's/return (int)\([a-z0-9_]*\)_tab_labels\[/return 1 - (int)\1_tab_labels[/' "${a%/*}/cls.h" ;;
  esac
done
exec cc "$@"
