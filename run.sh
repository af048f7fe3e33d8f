#!/usr/bin/env bash
# Start the fanzha service (API + web console + public self-check page) on the embedded SQLite database,
# filled with clearly synthetic demo data on first start. HOST / PORT / FANZHA_DATABASE_URL override the defaults.
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
exec .venv/bin/fanzha serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}" --demo "$@"
