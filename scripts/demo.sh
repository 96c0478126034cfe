#!/usr/bin/env bash
# One command for a fresh machine: install, migrate, load demo data, print a login, serve on :8000.
set -euo pipefail
cd "$(dirname "$0")/.."
PARTYWORK_BROWSER=0 bash scripts/setup.sh
.venv/bin/python manage.py migrate -v0
if ! .venv/bin/python manage.py shell -c "from members.models import Member; import sys; sys.exit(0 if Member.objects.exists() else 1)" 2>/dev/null; then
  .venv/bin/python manage.py seed_party --scale "${DEMO_SCALE:-0.01}" --seed 42
  # The seeds' case, recorded as it happened: the former blocs merged by Decision 242-QĐ/TW.
  .venv/bin/python manage.py scenario_242
fi
echo
echo "Partywork demo: http://127.0.0.1:8000/"
echo "  national administrator: admin / ${DEMO_PASSWORD:-partywork-demo}"
echo "  province secretary (Quang Ninh): province / ${DEMO_PASSWORD:-partywork-demo}"
echo "  office clerk: clerk / ${DEMO_PASSWORD:-partywork-demo}"
echo
# Static files as production serves them: fingerprinted names, gzip copies, cached for long (WhiteNoise).
.venv/bin/python manage.py collectstatic --noinput -v0
exec .venv/bin/python manage.py runserver --nostatic 127.0.0.1:8000
