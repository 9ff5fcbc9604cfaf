#!/usr/bin/env bash
# Installs the Debian packages Secure Base needs, only if one is missing.
#
# A warm machine answers from dpkg's database alone (no apt-get, no network, well under a second);
# `apt-get update` runs only when something has to be installed.
#
#   chromium                        e2e tests (Playwright drives /usr/bin/chromium; never `playwright install`)
#   redis-server (+ redis-tools)    Socket.IO message queue; throwaway test instance (scripts/services.sh)
#   postgresql-15 (+ client)        throwaway test cluster: initdb/pg_ctl/pg_isready/psql
#   nginx                           sticky load balancer in the multi-process test
#   libharfbuzz-subset0             WeasyPrint subsets fonts with it (~2x faster than fontTools)
#   libpango-1.0-0 libpangoft2-1.0-0  WeasyPrint (already on new machines)
#   fonts-dejavu-core               the handouts' font (no remote fonts here)
#   poppler-utils                   pdftoppm/pdftotext, to look at generated PDFs
#
# Usage: bash scripts/system-deps.sh [--check]   (--check: report missing packages, install nothing)
set -euo pipefail

PACKAGES=(
  chromium
  redis-server
  redis-tools
  postgresql-15
  postgresql-client-15
  nginx
  libharfbuzz-subset0
  libpango-1.0-0
  libpangoft2-1.0-0
  fonts-dejavu-core
  poppler-utils
)

is_installed() {
  # "ii " = wanted install, status installed, no error flag.
  [[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" == "ii " ]]
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  if [[ "$pkg" == nginx ]]; then
    # nginx-light/-full/-extras (they depend on nginx on Debian 12, or ship it on Debian 11) do too.
    is_installed nginx || is_installed nginx-light || is_installed nginx-full || is_installed nginx-extras \
      || missing+=(nginx)
    continue
  fi
  is_installed "$pkg" || missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "system-deps: all ${#PACKAGES[@]} Debian packages present"
  exit 0
fi

echo "system-deps: missing: ${missing[*]}"
if [[ "${1-}" == "--check" ]]; then
  exit 1
fi

SUDO=()
if [[ $EUID -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "system-deps: not root and no sudo: install as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

# Keep package installs from starting daemons on their default ports (nginx on :80, redis on
# :6379, a "main" PostgreSQL cluster on :5432): the project runs its own throwaway instances.
# Container images usually ship such a policy-rc.d already; add one only for this install.
POLICY=/usr/sbin/policy-rc.d
added_policy=0
if [[ ! -e "$POLICY" ]]; then
  printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$POLICY" >/dev/null
  "${SUDO[@]}" chmod 755 "$POLICY"
  added_policy=1
fi
cleanup() {
  if [[ $added_policy -eq 1 ]]; then "${SUDO[@]}" rm -f "$POLICY"; fi
}
trap cleanup EXIT

start=$SECONDS
echo "system-deps: apt-get update"
"${SUDO[@]}" apt-get "${APT_OPTS[@]}" update -qq
echo "system-deps: apt-get install ${missing[*]}"
# --no-install-recommends: chromium's recommends (upower, notification-daemon, printing...) are
# desktop noise on a headless machine and slow the install down.
"${SUDO[@]}" apt-get "${APT_OPTS[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

for pkg in "${missing[@]}"; do
  is_installed "$pkg" || { echo "system-deps: $pkg still not installed" >&2; exit 1; }
done
echo "system-deps: installed ${#missing[@]} package(s) in $((SECONDS - start)) s"
