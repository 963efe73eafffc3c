#!/usr/bin/env bash
# Installs what building and testing kezek needs, on a fresh machine or an old one: idempotent,
# quiet when everything is already there. Called by run.sh and test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

# The exact wasm-bindgen version Cargo.toml pins with `=`: wasm-bindgen-cli must match it.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml)
WASM_PACK_VERSION=0.15.1
[ -n "$WASM_BINDGEN_VERSION" ] || { echo "Cargo.toml must pin wasm-bindgen with =" >&2; exit 1; }
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
  cargo install --locked --force --version "$WASM_BINDGEN_VERSION" wasm-bindgen-cli
fi

if [ "$(wasm-pack --version 2>/dev/null)" != "wasm-pack $WASM_PACK_VERSION" ]; then
  say "installing wasm-pack $WASM_PACK_VERSION (a few minutes, once)"
  cargo install --locked --force --version "$WASM_PACK_VERSION" wasm-pack
fi

if [ "${KEZEK_NEED_BROWSER:-1}" = 1 ] && { ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; }; then
  say "installing Debian's chromium and chromium-driver"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# wasm-split (scripts/split.mjs cuts the package's module in two): Debian's binaryen; the npm
# package in tools/ has wasm-opt but no wasm-split.
if ! command -v wasm-split >/dev/null; then
  say "installing Debian's binaryen (wasm-split)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq binaryen >/dev/null
fi

# npm tools (binaryen's wasm-opt 132+, playwright-core, axe-core), exactly as package-lock.json says.
if [ ! -f tools/node_modules/.package-lock.json ] || ! cmp -s tools/package-lock.json tools/node_modules/.kezek-installed-lock; then
  say "installing npm tools (npm ci)"
  (cd tools && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.kezek-installed-lock)
fi

# Python tools for the local services (aiosmtpd for scripts/services/smtp.py), in tools/.venv,
# exactly as tools/requirements.txt pins them.
if [ ! -x tools/.venv/bin/python ] || ! cmp -s tools/requirements.txt tools/.venv/.kezek-installed-requirements; then
  say "installing Python tools into tools/.venv (pip)"
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq python3 python3-venv >/dev/null
  fi
  rm -rf tools/.venv
  python3 -m venv tools/.venv
  tools/.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-input -r tools/requirements.txt
  cp tools/requirements.txt tools/.venv/.kezek-installed-requirements
fi
