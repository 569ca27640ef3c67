#!/usr/bin/env bash
# Runs every test. Installs the system packages the tests need when they are missing (Debian/Ubuntu, as root or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=()
command -v redis-server >/dev/null 2>&1 || packages+=(redis-server)
[ -x /usr/bin/chromium ] || packages+=(chromium)
command -v kubectl >/dev/null 2>&1 || packages+=(kubernetes-client)
command -v npm >/dev/null 2>&1 || packages+=(npm)
if [ ${#packages[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "tests/run.sh: installing ${packages[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

# k6 is not installable here: its scripts are type-checked against @types/k6 instead.
npm ci --prefix tests/k6 --no-audit --no-fund --loglevel=error
npm run --prefix tests/k6 --silent check
echo "k6 scripts: type-check passed"

# The code style of .editorconfig: a file that `dotnet format` would change fails the run before any test runs.
if ! dotnet format Gateway.sln --verify-no-changes; then
  echo "tests/run.sh: code style check failed: the files above differ from .editorconfig's style; run 'dotnet format Gateway.sln' and commit the result" >&2
  exit 1
fi
echo "dotnet format: code style check passed"

# `dotnet test` builds only the test projects: build the whole solution first, so a benchmark that no longer compiles
# fails the run too.
dotnet build Gateway.sln -c Release --nologo -v quiet

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Gateway.sln -c Release "$@" 2>&1 | tee "$log" || status=$?
# One closing line for the whole run, summed over the test projects.
awk -F'[:,]' '/^(Passed|Failed)!/ { for (i = 1; i < NF; i++) { if ($i ~ /Failed$/) f += $(i + 1); if ($i ~ /Passed$/) p += $(i + 1) } }
  END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
