#!/usr/bin/env bash
# The whole test suite: lint and formatting (ruff), types (mypy), unit + database (SQLite and PostgreSQL) + browser tests (pytest).
# Extra arguments go to pytest, e.g. ./test.sh -k rules
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
scripts/system-deps.sh
echo "[test] ruff" >&2
.venv/bin/ruff check fanzha tests bench
.venv/bin/ruff format --check fanzha tests bench
echo "[test] mypy" >&2
.venv/bin/mypy
echo "[test] pytest" >&2
exec .venv/bin/pytest "$@"
