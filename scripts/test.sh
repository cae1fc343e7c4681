#!/usr/bin/env bash
# The one test command: installs what the tests need (npm packages, Debian's Chromium), builds the
# app, then runs the unit, integration and browser tests. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Missing: Chromium at $CHROMIUM. Install Debian's 'chromium' package (sudo apt-get install chromium)"
    echo "or set CHROMIUM_PATH to a Chromium binary, then run 'npm test' again."
    exit 1
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

npx svelte-check --tsconfig ./tsconfig.json --fail-on-warnings --output machine | tail -n 3
npx vite build --logLevel warn
npx vitest run
npx vitest run --config vitest.e2e.config.ts
