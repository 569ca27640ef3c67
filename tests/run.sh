#!/usr/bin/env bash
# Runs every test. Installs the system packages the tests need when they are missing (Debian/Ubuntu, as root or with sudo).
# Arguments are passed to both `dotnet test` runs (e.g. --filter "FullyQualifiedName~Canary").
# TESTS_DRY_RUN=1 prints each stage's commands instead of running them.
set -euo pipefail
cd "$(dirname "$0")/.."

dry_run="${TESTS_DRY_RUN:-0}"
stages=6
stage=0

# One header line per stage, so a long run shows where it is.
begin() {
  stage=$((stage + 1))
  echo "==> [$stage/$stages] $1"
}

run() {
  if [ "$dry_run" = 1 ]; then
    echo "    would run: $*"
  else
    "$@"
  fi
}

begin "system packages"
packages=()
reasons=()
need() {
  packages+=("$1")
  reasons+=("  $1: $2")
}
command -v redis-server >/dev/null 2>&1 || need redis-server "global rate-limit tests run against a real redis-server"
[ -x /usr/bin/chromium ] || need chromium "the /routes page is tested in headless Chromium"
command -v kubectl >/dev/null 2>&1 || need kubernetes-client "'kubectl kustomize' renders deploy/ for the manifest tests"
command -v npm >/dev/null 2>&1 || need npm "the k6 load-test scripts are type-checked with TypeScript"
if [ ${#packages[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "tests/run.sh: installing ${packages[*]} with apt-get:"
  printf '%s\n' "${reasons[@]}"
  run $sudo apt-get update -qq
  if [ "$dry_run" = 1 ]; then
    echo "    would run: $sudo apt-get install -y -qq --no-install-recommends ${packages[*]}"
  else
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  fi
else
  echo "all present: redis-server, chromium, kubectl, npm"
fi

# k6 is not installable here: its scripts are type-checked against @types/k6 instead.
begin "k6 scripts: type-check"
run npm ci --prefix tests/k6 --no-audit --no-fund --loglevel=error
run npm run --prefix tests/k6 --silent check
echo "k6 scripts: type-check passed"

# The code style of .editorconfig: a file that `dotnet format` would change fails the run before any test runs.
begin "code style: dotnet format --verify-no-changes"
if ! run dotnet format Gateway.sln --verify-no-changes; then
  echo "tests/run.sh: code style check failed: the files above differ from .editorconfig's style; run 'dotnet format Gateway.sln' and commit the result" >&2
  exit 1
fi
echo "dotnet format: code style check passed"

# `dotnet test` builds only the test projects: build the whole solution first, so a benchmark that no longer compiles
# fails the run too.
begin "build: Gateway.sln (Release, benchmarks included)"
run dotnet build Gateway.sln -c Release --nologo -v quiet

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
begin "unit tests: tests/Gateway.Tests"
run dotnet test tests/Gateway.Tests -c Release --no-build --nologo "$@" 2>&1 | tee -a "$log" || status=$?
begin "integration tests: tests/Gateway.IntegrationTests"
run dotnet test tests/Gateway.IntegrationTests -c Release --no-build --nologo "$@" 2>&1 | tee -a "$log" || status=$?

# One closing line for the whole run, summed over the test projects.
awk -F'[:,]' '/^(Passed|Failed)!/ { for (i = 1; i < NF; i++) { if ($i ~ /Failed$/) f += $(i + 1); if ($i ~ /Passed$/) p += $(i + 1) } }
  END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
