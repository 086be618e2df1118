#!/usr/bin/env bash
# Set up .venv and run everything CI runs: lint, architecture fences, types, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== ruff"
.venv/bin/ruff check aifp_fp shell tests bench migrations/migrate.py scripts
.venv/bin/ruff format --check aifp_fp shell tests bench migrations/migrate.py scripts
echo "== import-linter (the core does no I/O)"
.venv/bin/lint-imports
echo "== mypy --strict aifp_fp"
.venv/bin/mypy aifp_fp
echo "== pytest"
.venv/bin/python -m pytest -n 2 -q -p no:cacheprovider "$@"
