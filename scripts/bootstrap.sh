#!/usr/bin/env bash
# Create or reuse the virtual environment at .venv and install the pinned dependencies.
# Idempotent: reinstalls only when requirements.lock or pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat .venv/.fanzha-stamp 2>/dev/null || true)" != "$stamp" ]; then
  echo "[bootstrap] installing pinned dependencies into .venv" >&2
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.lock
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
  echo "$stamp" > .venv/.fanzha-stamp
fi
