#!/usr/bin/env bash
# Benchmarks (figures, not pass/fail): builds the package and runs bench/*.mjs in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
scripts/size.sh
node bench/run.mjs "$@"
cargo build --profile server -p kezek-server --quiet
node bench/page_load.mjs
