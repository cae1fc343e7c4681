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

# The checks and the builds side by side (each waits on one core for much of its time), each one's
# output shown whole once it ends; any that fails stops the command.
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
side_by_side() {
  local names=() pids=() failed=0 i
  while [ $# -gt 0 ]; do
    names+=("$1")
    bash -o pipefail -c "$2" >"$logs/${#names[@]}.log" 2>&1 &
    pids+=($!)
    shift 2
  done
  for i in "${!pids[@]}"; do
    if wait "${pids[$i]}"; then status=ok; else status=FAILED; failed=1; fi
    echo "── ${names[$i]}: $status"
    cat "$logs/$((i + 1)).log"
  done
  return $failed
}
side_by_side \
  "svelte-check" "npx svelte-check --tsconfig ./tsconfig.json --fail-on-warnings --output machine | tail -n 3" \
  "eslint" "npx eslint ." \
  "prettier" "npx prettier --check . | tail -n 3" \
  "build" "npx vite build --logLevel warn && npx vite build --config vite.cli.config.ts --logLevel warn"
# (The command line is built once, above: test files that start `planbench` would otherwise each
# build it, and two building at once empty dist-cli under each other.)
bash scripts/postgres.sh npx vitest run
npx vitest run --config vitest.e2e.config.ts
bash scripts/check-libreoffice.sh
