#!/usr/bin/env bash
# All tests: native tests of the whole workspace, the package build and its size budget, and the
# browser tests in headless Chromium. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
# A clean CI clone builds once: incremental caches would only take disk (stop 16 ran out of it).
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi
echo "== disk before the tests: $(df -h --output=avail . | tail -1 | tr -d ' ') free"

echo "== native tests on SQLite and a throwaway PostgreSQL (cargo test --workspace)"
scripts/with-postgres.sh cargo test --workspace --quiet

echo "== package build and size budget"
scripts/build.sh
scripts/size.sh

echo "== the npm package from its tarball: a bundled app in headless Chromium, and Node (node --test tests/npm/)"
node --test tests/npm/

echo "== browser tests (wasm-pack test --headless --chrome)"
# The runner's defaults (20 s for a test binary, 5 s for chromedriver to start) are tight for
# debug builds on a loaded 2-core machine.
WASM_BINDGEN_TEST_TIMEOUT=120 WASM_BINDGEN_TEST_DRIVER_TIMEOUT=30 wasm-pack test --headless --chrome

echo "== page tests in headless Chromium against the reference backend (node --test tests/e2e/)"
cargo build --profile server -p kezek-server --quiet
node --test --test-concurrency=1 tests/e2e/
