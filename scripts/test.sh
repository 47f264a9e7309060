#!/usr/bin/env bash
# One command: install everything (LibreOffice included) and run lint and the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev --libreoffice
.venv/bin/ruff check .
# xlwings' remote engine (tests of the add-in macros) runs under PolyForm Noncommercial.
export XLWINGS_LICENSE_KEY=noncommercial
exec .venv/bin/python -m pytest -q --require-libreoffice "$@"
