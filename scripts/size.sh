#!/usr/bin/env bash
# Prints the package's gzip size (wasm + JS glue) and fails above the budget.
set -euo pipefail
cd "$(dirname "$0")/.."
BUDGET=${KEZEK_SIZE_BUDGET:-153600}   # 150 KB
gz() { gzip -9 -c "$1" | wc -c; }
wasm=$(gz pkg/kezek_bg.wasm)
js=$(gz pkg/kezek.js)
total=$((wasm + js))
printf "package size (gzip -9): wasm %d B + js %d B = %d B (%s KB) of %d B budget; raw wasm %d B\n" \
  "$wasm" "$js" "$total" "$(awk "BEGIN{printf \"%.1f\", $total/1024}")" "$BUDGET" "$(wc -c < pkg/kezek_bg.wasm)"
if [ "$total" -gt "$BUDGET" ]; then
  echo "FAIL: the package is over its size budget" >&2
  exit 1
fi
