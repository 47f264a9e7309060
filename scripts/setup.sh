#!/usr/bin/env bash
# Shared set-up: a virtual environment with youzhi installed (dev extras with --dev),
# and LibreOffice from Debian's packages with --libreoffice (the tests' independent engine).
set -euo pipefail
cd "$(dirname "$0")/.."

want_dev=0
want_lo=0
for arg in "$@"; do
  case "$arg" in
    --dev) want_dev=1 ;;
    --libreoffice) want_lo=1 ;;
  esac
done

sudo_cmd=""
[ "$(id -u)" = 0 ] || sudo_cmd="sudo"

if [ "$want_lo" = 1 ] && ! command -v soffice >/dev/null 2>&1; then
  echo "Installing LibreOffice (Debian packages) ..."
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq \
    libreoffice-calc-nogui poppler-utils fonts-noto-cjk >/dev/null
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/pip ]; then
  rm -rf .venv
  if ! "$python" -m venv .venv >/dev/null 2>&1; then
    # Debian's own python3 ships venv/ensurepip separately (python3-venv)
    rm -rf .venv
    echo "Installing python3-venv (Debian package) ..."
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq python3-venv >/dev/null
    "$python" -m venv .venv
  fi
fi
extras=""
[ "$want_dev" = 1 ] && extras="[dev]"
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extras}"
