#!/usr/bin/env bash
# The one test command: installs what the tests need (npm packages, Debian's Chromium), type-checks,
# lints and checks the formatting, builds the app, then runs the unit, integration and server tests
# (the server's on PGlite and on a throwaway PostgreSQL that scripts/postgres.sh installs from
# Debian's package and starts as a non-root user), the browser tests, and the LibreOffice check
# (which installs Debian's libreoffice-calc the same way). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/needs.sh
need_program "${CHROMIUM_PATH:-/usr/bin/chromium}" chromium CHROMIUM_PATH "Chromium (the browser tests)" "npm test"
need_node_modules

npx svelte-check --tsconfig ./tsconfig.json --fail-on-warnings --output machine | tail -n 3
npx eslint .
npx prettier --check .
npx vite build --logLevel warn
# The command line too, once: test files that start `planbench` would otherwise each build it, and
# two building at once empty dist-cli under each other.
npx vite build --config vite.cli.config.ts --logLevel warn
bash scripts/postgres.sh npx vitest run
npx vitest run --config vitest.e2e.config.ts
bash scripts/check-libreoffice.sh
