#!/usr/bin/env bash
# Installs everything Partywork needs, from nothing, idempotently: Debian packages (when root),
# the Python virtualenv, the npm packages (htmx, Chart.js, axe-core, vnu-jar) and compiled translations.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v msgfmt >/dev/null 2>&1 || need_apt+=(gettext)
if [ "${PARTYWORK_BROWSER:-1}" = "1" ]; then
  [ -x /usr/bin/chromium ] || need_apt+=(chromium)
  command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless)
fi
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "setup: installing Debian packages: ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "setup: please install these Debian packages first: ${need_apt[*]}" >&2
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt

if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
elif [ -f package.json ]; then
  npm install --no-audit --no-fund --loglevel=error >/dev/null
fi

.venv/bin/python manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules
