#!/usr/bin/env bash
# Starts the local services demo mode needs, in the background: the OpenID provider
# (oidc.mjs), the SMTP server (smtp.py, messages in DIR/mail/) and the fake SMS gateway
# (sms.mjs, messages in DIR/sms.jsonl). Waits until each accepts connections, then writes
#   DIR/env   the KEZEK_* settings for kezek-server (source it), and
#   DIR/pids  the services' process ids, for scripts/services/stop.sh.
#
#   scripts/services/start.sh [DIR]        (default target/services)
#
# Ports: OIDC_PORT (8081), SMTP_PORT (2525), SMS_PORT (8082); kezek's own PORT (8080) gives the
# redirect URL the provider accepts. Tests start their own services on free ports instead.
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR="${1:-target/services}"
mkdir -p "$DIR/mail"
PYTHON=tools/.venv/bin/python
[ -x "$PYTHON" ] && [ -d tools/node_modules/oidc-provider ] || { echo "start.sh: run scripts/setup.sh first (tools/.venv, tools/node_modules)" >&2; exit 1; }
scripts/services/stop.sh "$DIR" 2>/dev/null || true

KEZEK_PORT="${PORT:-8080}"
SMS_KEY="${SMS_API_KEY:-demo-sms-key}"
: >"$DIR/pids"

# start NAME READY-PATTERN CMD...: runs CMD with its output in DIR/NAME.log, waits for the line.
start() {
  local name="$1" pattern="$2"
  shift 2
  "$@" >"$DIR/$name.log" 2>&1 &
  echo "$!" >>"$DIR/pids"
  for _ in $(seq 1 100); do
    if grep -q "$pattern" "$DIR/$name.log"; then return 0; fi
    if ! kill -0 "$!" 2>/dev/null; then break; fi
    sleep 0.2
  done
  echo "start.sh: $name did not start:" >&2
  cat "$DIR/$name.log" >&2
  exit 1
}

start oidc "listening on" node scripts/services/oidc.mjs --port "${OIDC_PORT:-8081}" \
  --redirect-uri "http://127.0.0.1:$KEZEK_PORT/auth/callback" --redirect-uri "http://localhost:$KEZEK_PORT/auth/callback"
start smtp "listening on" "$PYTHON" scripts/services/smtp.py --port "${SMTP_PORT:-2525}" --dir "$DIR/mail"
start sms "listening on" node scripts/services/sms.mjs --port "${SMS_PORT:-8082}" --out "$DIR/sms.jsonl" --api-key "$SMS_KEY"

ISSUER=$(sed -n 's/.*listening on //p' "$DIR/oidc.log" | head -n 1)
SMTP_PORT_REAL=$(sed -n 's/.*listening on 127.0.0.1://p' "$DIR/smtp.log" | head -n 1)
SMS_URL=$(sed -n 's/.*listening on //p' "$DIR/sms.log" | head -n 1)
cat >"$DIR/env" <<ENV
KEZEK_OIDC_ISSUER=$ISSUER
KEZEK_OIDC_CLIENT_ID=kezek
KEZEK_OIDC_REDIRECT_URL=http://127.0.0.1:$KEZEK_PORT/auth/callback
KEZEK_SMTP_HOST=127.0.0.1
KEZEK_SMTP_PORT=$SMTP_PORT_REAL
KEZEK_SMTP_TLS=none
KEZEK_MAIL_FROM=kezek-demo@127.0.0.1
KEZEK_SMS_URL=$SMS_URL/messages
KEZEK_SMS_API_KEY=$SMS_KEY
ENV
echo "services: OpenID provider $ISSUER, SMTP 127.0.0.1:$SMTP_PORT_REAL (mail in $DIR/mail), SMS gateway $SMS_URL ($DIR/sms.jsonl)" >&2
