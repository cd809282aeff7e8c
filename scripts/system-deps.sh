#!/usr/bin/env bash
# Install the Debian packages the project needs, only when something is missing.
#   scripts/system-deps.sh venv      python3-venv (Debian ships venv separately)
#   scripts/system-deps.sh pdf       Pango for WeasyPrint's PDF reports
#   scripts/system-deps.sh browser   Debian's Chromium for the browser tests
set -euo pipefail

packages=()
case "${1:-}" in
  venv)
    python3 -c "import ensurepip, venv" 2>/dev/null || packages+=(python3-venv)
    ;;
  pdf)
    ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" || packages+=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
    ;;
  browser)
    command -v chromium >/dev/null 2>&1 || packages+=(chromium)
    ;;
  *)
    echo "usage: $0 venv|pdf|browser" >&2
    exit 2
    ;;
esac

[ ${#packages[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1; then
  sudo="sudo"
else
  echo "Missing Debian packages: ${packages[*]}. Install them as root: apt-get install ${packages[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${packages[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
