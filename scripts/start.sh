#!/usr/bin/env bash
# The one app command: installs the packages if needed, builds, and serves the app on
# http://127.0.0.1:4173/ (it opens the demo workbook when the browser holds no data).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/needs.sh
need_node_modules
npx vite build --logLevel warn
exec npx vite preview --port "${PORT:-4173}" --strictPort
