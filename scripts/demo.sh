#!/usr/bin/env bash
# One command for a fresh machine: install, migrate, load demo data, print a login, serve on :8000.
set -euo pipefail
cd "$(dirname "$0")/.."
PARTYWORK_BROWSER=0 bash scripts/setup.sh
.venv/bin/python manage.py migrate -v0
if ! .venv/bin/python manage.py shell -c "from members.models import Member; import sys; sys.exit(0 if Member.objects.exists() else 1)" 2>/dev/null; then
  # The party as it stood in 2024, then the 2025 reorganizations (Decision 242-QĐ/TW on 1 February, the 34
  # provinces and the end of the district level on 1 July) recorded through the reorganization service.
  .venv/bin/python manage.py seed_party --scale "${DEMO_SCALE:-0.01}" --seed 42
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
