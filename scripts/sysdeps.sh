#!/usr/bin/env bash
# Installs the Debian packages diagnose needs when they are missing:
#   - python3-venv (a fresh Debian has python3 without venv/ensurepip);
#   - the Pango/HarfBuzz libraries WeasyPrint renders PDFs with (libharfbuzz-subset0 makes
#     Korean PDFs much faster: fonts are subset instead of embedded whole).
# As root it installs them with apt; otherwise it prints the exact command to run.
set -euo pipefail

PYTHON=${PYTHON:-python3}
missing=()

if ! "$PYTHON" -c "import ensurepip, venv" >/dev/null 2>&1; then
  missing+=(python3-venv)
fi

have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib "libpango-1.0.so.0" || missing+=(libpango-1.0-0)
have_lib "libpangoft2-1.0.so.0" || missing+=(libpangoft2-1.0-0)
have_lib "libharfbuzz-subset.so.0" || missing+=(libharfbuzz-subset0)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "diagnose: installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  $cmd >/dev/null
else
  echo "diagnose: missing system packages: ${missing[*]}" >&2
  echo "diagnose: run as root: sudo $cmd" >&2
  # WeasyPrint still works without libharfbuzz-subset0, only slower; the rest is required.
  for pkg in "${missing[@]}"; do
    [ "$pkg" = "libharfbuzz-subset0" ] || exit 1
  done
fi
