#!/usr/bin/env bash
# The main job: installs what is missing, builds the package and the reference backend, starts
# the local services demo mode needs (scripts/services/start.sh: the OpenID provider citizens
# sign in with, the SMTP server and the fake SMS gateway notifications go to), and serves the
# citizen page on http://127.0.0.1:$PORT/ (default 8080) and the operator page on /operator.html (demo
# staff sign in) in demo mode (a seeded locality on a
# fresh embedded SQLite database, the demo people of server/demo/people.json, and a demo clock
# the page can move) until stopped. The services stop with it.
set -euo pipefail
cd "$(dirname "$0")/.."
KEZEK_NEED_BROWSER=0 scripts/setup.sh
scripts/build.sh
# The budget is the test command's to enforce; the demo runs either way.
scripts/size.sh || echo "run.sh: the package is over its size budget (scripts/size.sh); serving it anyway" >&2
cargo build --profile server -p kezek-server --quiet

export PORT="${PORT:-8080}"
SERVICES=target/services
server=""
# On any exit (Ctrl-C, kill, an error) the server and the services stop too.
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; scripts/services/stop.sh "$SERVICES"' EXIT
trap 'exit 130' INT TERM
scripts/services/start.sh "$SERVICES"
# KEZEK_OIDC_*, KEZEK_SMTP_*, KEZEK_MAIL_FROM, KEZEK_SMS_* as the services started them. The SMS
# gateway's key stays in the environment (kezek-server reads KEZEK_SMS_API_KEY), off the
# command line.
set -a
# shellcheck source=/dev/null
. "$SERVICES/env"
set +a

echo "Open http://127.0.0.1:$PORT/ (the operator page: /operator.html; sign in as a demo person; mail arrives in $SERVICES/mail/, SMS in $SERVICES/sms.jsonl)" >&2
target/server/kezek-server --demo --port "$PORT" --www www --pkg pkg --log-key-file server/demo/log-demo.key \
  --oidc-issuer "$KEZEK_OIDC_ISSUER" --oidc-client-id "$KEZEK_OIDC_CLIENT_ID" --oidc-redirect-url "$KEZEK_OIDC_REDIRECT_URL" \
  --smtp-host "$KEZEK_SMTP_HOST" --smtp-port "$KEZEK_SMTP_PORT" --smtp-tls "$KEZEK_SMTP_TLS" --mail-from "$KEZEK_MAIL_FROM" \
  --sms-url "$KEZEK_SMS_URL" &
server=$!
wait "$server"
