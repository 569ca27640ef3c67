#!/usr/bin/env bash
# Runs every test. Installs the system packages the tests need when they are missing (Debian/Ubuntu, as root or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=()
command -v redis-server >/dev/null 2>&1 || packages+=(redis-server)
[ -x /usr/bin/chromium ] || packages+=(chromium)
if [ ${#packages[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "tests/run.sh: installing ${packages[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Gateway.sln -c Release "$@" 2>&1 | tee "$log" || status=$?
# One closing line for the whole run, summed over the test projects.
awk -F'[:,]' '/^(Passed|Failed)!/ { for (i = 1; i < NF; i++) { if ($i ~ /Failed$/) f += $(i + 1); if ($i ~ /Passed$/) p += $(i + 1) } }
  END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
