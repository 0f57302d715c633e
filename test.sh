#!/usr/bin/env bash
# Run every check: ruff (lint + format), import-linter (layering contracts), the full pytest suite
# (plus the llm tests when MIRIX_TEST_LLM_BASE_URL names an OpenAI-compatible server).
set -euo pipefail
cd "$(dirname "$0")"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "==> import-linter"
.venv/bin/lint-imports
echo "==> pytest"
SELECT=()
if [ -n "${MIRIX_TEST_LLM_BASE_URL:-}" ]; then
  echo "    (with the llm tests against $MIRIX_TEST_LLM_BASE_URL)"
  SELECT=(-m "llm or not llm")
fi
.venv/bin/python -m pytest "${SELECT[@]}" "$@"
