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
# The backend on loopback, on SQLite and PostgreSQL (bounded in count and time): snapshot and
# status reads of a 20 000-application queue, claims at a fixed offered rate (open loop), and
# the 2 000-claim burst (server/tests/load.rs, server/tests/rush.rs).
scripts/with-postgres.sh cargo test --profile server -p kezek-server --quiet --test load --test rush -- --ignored --nocapture --test-threads 1 bench
