#!/usr/bin/env bash
# The main job: installs what is missing, builds the package and the reference backend, and
# serves the citizen page on http://127.0.0.1:$PORT/ (default 8080) in demo mode (a seeded
# locality on a fresh embedded SQLite database, and a demo clock the page can move) until stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
KEZEK_NEED_BROWSER=0 scripts/setup.sh
scripts/build.sh
scripts/size.sh
cargo build --profile server -p kezek-server --quiet
exec target/server/kezek-server --demo --port "${PORT:-8080}" --www www --pkg pkg --log-key-file server/demo/log-demo.key
