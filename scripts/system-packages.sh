#!/usr/bin/env bash
# Installs the Debian packages the app or its tests need, only those that are missing.
# Usage: scripts/system-packages.sh run|test
set -euo pipefail

run_packages=(chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation)
# redis-server: the two-node rehearsal (scripts/two_nodes.py) starts one of its own.
# libreoffice-impress: the PowerPoint export must open in Impress (tests/reports/test_slides.py
# converts it to PDF; poppler-utils turns the pages into PNG).
test_packages=("${run_packages[@]}" poppler-utils redis-server libreoffice-impress)

case "${1:-run}" in
  run) wanted=("${run_packages[@]}") ;;
  test) wanted=("${test_packages[@]}") ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing system packages: ${missing[*]}. Install them with your package manager" >&2
  echo "(a Chromium is needed for the charts in the PDF; the app runs without one)." >&2
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "Missing system packages: ${missing[*]}. Run as root: apt-get install ${missing[*]}" >&2
    exit 0
  fi
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
