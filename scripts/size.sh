#!/usr/bin/env bash
# Prints the package's two sizes after gzip -9 and fails above either budget (issue 14):
#   * first download: what the citizen form needs before it is usable: the first module
#     (kezek_bg.wasm), the JS glue and one language's catalog (the largest, i18n/*.json);
#   * whole package: every file a page may load: both modules (kezek_tracker_bg.wasm is
#     loaded by `loadTracker()`), the glue and all language catalogs.
# KB here is 1024 bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
FIRST_BUDGET=${KEZEK_FIRST_BUDGET:-92160}    # 90 KB
BUDGET=${KEZEK_SIZE_BUDGET:-153600}          # 150 KB
gz() { gzip -9 -c "$1" | wc -c; }
kb() { awk "BEGIN{printf \"%.1f\", $1/1024}"; }
wasm=$(gz pkg/kezek_bg.wasm)
tracker=$(gz pkg/kezek_tracker_bg.wasm)
js=$(gz pkg/kezek.js)
catalogs=0
largest=0
names=""
for f in pkg/i18n/*.json; do
  n=$(gz "$f")
  catalogs=$((catalogs + n))
  if [ "$n" -gt "$largest" ]; then largest=$n; fi
  names="$names $(basename "$f" .json) $n B"
done
first=$((wasm + js + largest))
total=$((wasm + tracker + js + catalogs))
printf "first download (gzip -9): wasm %d B + js %d B + largest catalog %d B = %d B (%s KB) of %d B budget\n" \
  "$wasm" "$js" "$largest" "$first" "$(kb "$first")" "$FIRST_BUDGET"
printf "whole package  (gzip -9): wasm %d B + tracker wasm %d B + js %d B + catalogs %d B (%s) = %d B (%s KB) of %d B budget\n" \
  "$wasm" "$tracker" "$js" "$catalogs" "${names# }" "$total" "$(kb "$total")" "$BUDGET"
# For information (no budget of its own): the citizen page's bundle, its modules and the
# package's glue (scripts/page.mjs), which a browser fetches instead of pkg/kezek.js.
if [ -f www/build/citizen.js ]; then
  printf "citizen page bundle (not the package): %d B, gzip -9 %d B\n" "$(wc -c < www/build/citizen.js)" "$(gz www/build/citizen.js)"
fi
fail=0
if [ "$first" -gt "$FIRST_BUDGET" ]; then
  echo "FAIL: the first download is over its size budget" >&2
  fail=1
fi
if [ "$total" -gt "$BUDGET" ]; then
  echo "FAIL: the whole package is over its size budget" >&2
  fail=1
fi
exit "$fail"
