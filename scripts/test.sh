#!/usr/bin/env bash
# Set up .venv and run everything CI runs: lint, architecture fences, types, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== ruff"
paths=()
for p in aifp_fp shell tests bench migrations/migrate.py scripts; do [ -e "$p" ] && paths+=("$p"); done
.venv/bin/ruff check "${paths[@]}"
.venv/bin/ruff format --check "${paths[@]}"
echo "== import-linter (the core does no I/O)"
.venv/bin/lint-imports
echo "== mypy --strict (aifp_fp and shell/aifp_shell)"
.venv/bin/mypy
echo "== pytest"
# worksteal: an idle worker takes queued tests from the busy one (see tests/conftest.py).
.venv/bin/python -m pytest -n 2 --dist worksteal -q -p no:cacheprovider "$@"
