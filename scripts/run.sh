#!/usr/bin/env bash
# The main job: installs what is missing, builds the package and serves the citizen page on
# 127.0.0.1:$PORT (default 8080) until stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
KEZEK_NEED_BROWSER=0 scripts/setup.sh
scripts/build.sh
scripts/size.sh
exec python3 scripts/serve.py --port "${PORT:-8080}"
