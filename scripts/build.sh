#!/usr/bin/env bash
# Builds the npm package into pkg/: wasm-pack (release, ES module for browsers, without the
# compiled-in catalogs: they ship as pkg/i18n/<lang>.json), cut in two by scripts/split.mjs
# (binaryen's wasm-opt from npm, wasm-split from Debian): the form's first download and the
# tracker part; then package.json, README, CHANGELOG and licenses (scripts/package.mjs).
# Only the features rustc emits are enabled: --all-features would emit stringref, which browsers
# reject. `-Os` rather than `-Oz`: after gzip the two differ by a few hundred bytes either way
# from build to build (-Os was 0.6 KB smaller when chosen), and -Os is no slower.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

rm -rf pkg target/split/form
# Names kept (strip=false) for scripts/split.mjs, which cuts the module in two; its wasm-opt
# passes drop them. The build with feature `form` only is read for its list of exports.
export CARGO_PROFILE_RELEASE_STRIP=false
wasm-pack build --release --target web --out-dir target/split/form --no-pack -- --no-default-features --features form 2>&1 | grep -v '^\[INFO\]' >&2 || true
[ -f target/split/form/kezek_bg.wasm.d.ts ] || { echo "wasm-pack produced no target/split/form (features form)" >&2; exit 1; }
wasm-pack build --release --target web --out-dir pkg --no-pack -- --no-default-features --features form,tracker 2>&1 | grep -v '^\[INFO\]' >&2 || true
[ -f pkg/kezek_bg.wasm ] || { echo "wasm-pack produced no pkg/kezek_bg.wasm" >&2; exit 1; }

# binaryen's wasm-opt (npm, tools/) and wasm-split (Debian's binaryen): pkg/kezek_bg.wasm, the
# form's first download, and pkg/kezek_tracker_bg.wasm, loaded by `loadTracker()`.
command -v wasm-split >/dev/null || { echo "wasm-split not found: apt-get install binaryen (scripts/setup.sh)" >&2; exit 1; }
node scripts/split.mjs
unset CARGO_PROFILE_RELEASE_STRIP

# The glue, minified (its exports keep their names; its types and documentation are in
# kezek.d.ts): about 7.9 -> 3.7 KB gzip. Bundled: the package's few lines of `inline_js`
# (pkg/snippets/, such as the report builder of src/wasm/application.rs) go into the one module,
# so a page makes no extra request for them.
tools/node_modules/.bin/esbuild pkg/kezek.js --bundle --minify --format=esm --log-level=warning --outfile=pkg/kezek.min.js
mv pkg/kezek.min.js pkg/kezek.js
rm -rf pkg/snippets

# The language catalogs as documents beside the module (pkg/i18n/<lang>.json): the package is
# built without feature `catalogs`, and a page loads the language it shows with `setCatalog`.
cargo run --quiet --example catalogs -- pkg/i18n

node scripts/package.mjs

# The citizen page's modules and the package's glue as one minified module,
# www/build/citizen.js (scripts/page.mjs): one request for the page to start (issue 14).
rm -rf www/build
node scripts/page.mjs

# Precompressed copies of the package and the page's bundle for the backend to serve: `.gz` (gzip -9, what the size
# budget measures) and `.br` (brotli at its best quality, from Node's zlib: what browsers take).
# Only build outputs: a copy beside a hand-edited www/ file could go stale and be served instead
# of it. Not part of the npm package (package.json lists its files).
for f in pkg/kezek_bg.wasm pkg/kezek_tracker_bg.wasm pkg/kezek.js pkg/i18n/*.json www/build/citizen.js; do
  gzip -9 -k -f -n "$f"
done
node -e '
const { brotliCompressSync, constants: z } = require("node:zlib");
const { readFileSync, writeFileSync } = require("node:fs");
for (const f of process.argv.slice(1)) {
  const data = readFileSync(f);
  const params = { [z.BROTLI_PARAM_QUALITY]: z.BROTLI_MAX_QUALITY, [z.BROTLI_PARAM_SIZE_HINT]: data.length,
    [z.BROTLI_PARAM_MODE]: f.endsWith(".wasm") ? z.BROTLI_MODE_GENERIC : z.BROTLI_MODE_TEXT };
  writeFileSync(`${f}.br`, brotliCompressSync(data, { params }));
}' pkg/kezek_bg.wasm pkg/kezek_tracker_bg.wasm pkg/kezek.js pkg/i18n/*.json www/build/citizen.js
