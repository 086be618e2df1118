#!/usr/bin/env bash
# Set up .venv, build a demo AIFP installation at v1.0 with rows, and migrate it to the latest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python scripts/demo.py "$@"
