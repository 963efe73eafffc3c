#!/usr/bin/env bash
# The main job: installs what is missing, builds the package and the reference backend, and
# serves the citizen page on http://127.0.0.1:$PORT/ (default 8080) and the operator page on
# /operator.html in demo mode (a seeded locality on a fresh embedded SQLite database, and a demo
# clock the page can move) until stopped. Sign-in goes through the local OpenID provider of
# scripts/services/ (choose a demo citizen or a demo staff member of server/demo/people.json),
# started here and stopped when the server stops.
set -euo pipefail
cd "$(dirname "$0")/.."
KEZEK_NEED_BROWSER=0 scripts/setup.sh
scripts/build.sh
scripts/size.sh
cargo build --profile server -p kezek-server --quiet
scripts/services/start.sh target/services
trap 'scripts/services/stop.sh target/services' EXIT
set -a
. target/services/env
set +a
target/server/kezek-server --demo --port "${PORT:-8080}" --www www --pkg pkg --log-key-file server/demo/log-demo.key
