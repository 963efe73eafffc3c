#!/usr/bin/env bash
# Builds the npm package into pkg/: wasm-pack (release, ES module for browsers), binaryen's
# wasm-opt from npm, then package.json, README, CHANGELOG and licenses (scripts/package.mjs).
# Only the features rustc emits are enabled: --all-features would emit stringref, which browsers
# reject. `-Os` rather than `-Oz`: after gzip the two differ by a few hundred bytes either way
# from build to build (-Os was 0.6 KB smaller when chosen), and -Os is no slower.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

rm -rf pkg
wasm-pack build --release --target web --out-dir pkg --no-pack 2>&1 | grep -v '^\[INFO\]' >&2 || true
[ -f pkg/kezek_bg.wasm ] || { echo "wasm-pack produced no pkg/kezek_bg.wasm" >&2; exit 1; }

tools/node_modules/.bin/wasm-opt -Os --converge \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  pkg/kezek_bg.wasm -o pkg/kezek_bg.opt.wasm
mv pkg/kezek_bg.opt.wasm pkg/kezek_bg.wasm

node scripts/package.mjs

# Precompressed copies of the package for the backend to serve (`Accept-Encoding: gzip`). Only
# build outputs: a .gz beside a hand-edited www/ file could go stale and be served instead of it.
# Not part of the npm package (package.json lists its files).
for f in pkg/kezek_bg.wasm pkg/kezek.js; do
  gzip -9 -k -f -n "$f"
done
