#!/usr/bin/env bash
# Run every check: ruff (lint + format), import-linter (layering contracts), the full pytest suite.
set -euo pipefail
cd "$(dirname "$0")"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "==> import-linter"
.venv/bin/lint-imports
echo "==> pytest"
.venv/bin/python -m pytest "$@"
