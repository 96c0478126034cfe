#!/usr/bin/env bash
# The whole test suite, from nothing: installs, lints, then runs pytest on SQLite and on PostgreSQL
# (the browser tests drive Debian's Chromium on SQLite; everything else runs on both databases).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export AXES_ENABLED=1
mkdir -p artifacts
.venv/bin/ruff check .
.venv/bin/lint-imports --no-cache  # the layers of the import graph: pyproject.toml [tool.importlinter]
.venv/bin/python manage.py makemigrations --check --dry-run -v0
echo "== tests on SQLite"
env -u DATABASE_URL .venv/bin/python -m pytest "$@"
pg_url=$(bash scripts/postgres.sh)
echo "== tests on PostgreSQL ($pg_url)"
DATABASE_URL="$pg_url" .venv/bin/python -m pytest -m "not browser" "$@"
