#!/usr/bin/env bash
# Stops the services scripts/services/start.sh started (by the process ids it wrote).
#   scripts/services/stop.sh [DIR]        (default target/services)
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR="${1:-target/services}"
[ -f "$DIR/pids" ] || exit 0
while read -r pid; do
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
done <"$DIR/pids"
rm -f "$DIR/pids"
