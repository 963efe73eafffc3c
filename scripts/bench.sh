#!/usr/bin/env bash
# Benchmarks (figures, not pass/fail): builds the package and runs bench/*.mjs in headless Chromium,
# then the comparison with Zod in Node too.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
scripts/size.sh
node bench/run.mjs "$@"
node bench/zod-node.mjs
cargo build --profile server -p kezek-server --quiet
node bench/page_load.mjs
