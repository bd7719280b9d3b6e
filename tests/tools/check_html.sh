#!/bin/sh
# Open an rnnfsac HTML report in headless Chromium and fail on any console
# message, any missing section, or any reference to an external resource.
# usage: check_html.sh REPORT.html
set -u
page=$1
chromium=$(command -v chromium || command -v chromium-browser || command -v google-chrome)
[ -n "$chromium" ] || { echo "check_html: chromium is not installed (make deps installs it)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
abs=$(cd "$(dirname "$page")" && pwd)/$(basename "$page")
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" --enable-logging=stderr --v=0 \
  --dump-dom "file://$abs" >"$work/dom.html" 2>"$work/log"
status=0
if grep -q 'CONSOLE' "$work/log"; then
  echo "check_html: console messages:"; grep 'CONSOLE' "$work/log"; status=1
fi
for id in summary metrics confusion training graph symbol-classes disagreements; do
  grep -q "id=\"$id\"" "$work/dom.html" || { echo "check_html: missing section '$id'"; status=1; }
done
if grep -Eq '(src|href)="[a-z]+:' "$abs"; then
  echo "check_html: external resource referenced:"; grep -Eo '(src|href)="[a-z]+:[^"]*"' "$abs"; status=1
fi
if grep -q '<script' "$abs"; then echo "check_html: page has scripts"; status=1; fi
[ $status -eq 0 ] && echo "check_html: $(basename "$page"): ok"
exit $status
