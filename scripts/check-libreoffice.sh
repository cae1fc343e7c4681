#!/usr/bin/env bash
# The LibreOffice check: a real spreadsheet application reads and writes our files. Debian's
# LibreOffice Calc (headless) recalculates an exported plan and its totals must equal ours; it turns
# a Vietnamese-layout CSV into an .xlsx kept as an import fixture. Installs libreoffice-calc when
# missing (as root on Debian), otherwise says exactly what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/needs.sh
SOFFICE="${SOFFICE_PATH:-/usr/bin/soffice}"
need_program "$SOFFICE" libreoffice-calc SOFFICE_PATH "LibreOffice (soffice)" "npm run check:libreoffice" --no-install-recommends
need_node_modules

SOFFICE_PATH="$SOFFICE" npx vitest run --config vitest.libreoffice.config.ts
