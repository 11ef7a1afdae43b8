#!/usr/bin/env bash
# The test command: lint, types, then the whole suite. Tests that need ../shared skip with a
# reason when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check docgen api tests bench
.venv/bin/mypy
.venv/bin/lint-imports --no-cache
.venv/bin/python -m pytest -n 2 --dist loadfile "$@"
