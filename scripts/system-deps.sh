#!/usr/bin/env bash
# Installs the Debian packages Secure Base needs, only if one is missing.
#
#   bash scripts/system-deps.sh run  [--check]   what the app needs to run (make run, make serve)
#   bash scripts/system-deps.sh test [--check]   that, plus what the tests need (make test)
#   (--check: report missing packages, install nothing)
#
# To run (make run / make serve install only these):
#   libpango-1.0-0 libpangoft2-1.0-0  WeasyPrint (already on new machines)
#   libharfbuzz-subset0             WeasyPrint subsets fonts with it (~2x faster than fontTools)
#   fonts-dejavu-core               the handouts' fallback font, wide script coverage (no remote fonts here)
#   fonts-lato                      the handouts' typeface (embedded in each PDF)
# To test (make test only):
#   chromium                        e2e tests (Playwright drives /usr/bin/chromium; never `playwright install`)
#   redis-server (+ redis-tools)    Socket.IO message queue; throwaway test instance (scripts/services.sh)
#   postgresql-15 (+ client)        throwaway test cluster: initdb/pg_ctl/pg_isready/psql
#   nginx                           sticky load balancer in the multi-process test
#   poppler-utils                   pdftoppm/pdftotext, to look at generated PDFs
#   nodejs (with npm)               ESLint and node --test for the JavaScript (scripts/lint-js.sh); 20 or newer
#
# A warm machine answers from dpkg's database alone (no apt-get, no network, well under a second);
# `apt-get update` runs only when something has to be installed. On a host without dpkg/apt (another
# distribution, macOS) it says what the app needs and goes on when the libraries are already there.
set -euo pipefail

PURPOSE="${1-test}"
CHECK="${2-}"
case "$PURPOSE" in
  run|test) ;;
  --check) PURPOSE=test; CHECK=--check ;;
  *) echo "usage: $0 run|test [--check]" >&2; exit 2 ;;
esac

RUN_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-lato)
TEST_PACKAGES=(chromium redis-server redis-tools postgresql-15 postgresql-client-15 nginx poppler-utils nodejs)
PACKAGES=("${RUN_PACKAGES[@]}")
if [[ "$PURPOSE" == test ]]; then PACKAGES+=("${TEST_PACKAGES[@]}"); fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  # Not Debian: look for the libraries themselves.
  have_lib() { { ldconfig -p 2>/dev/null || true; } | grep -q "$1" || ls /usr/lib*/"$1"* /usr/local/lib/"$1"* \
                 /opt/homebrew/lib/"$1"* >/dev/null 2>&1; }
  need=0
  for lib in libpango-1.0 libpangoft2-1.0; do
    if ! have_lib "$lib"; then
      echo "system-deps: $lib not found: install Pango (e.g. 'dnf install pango' or 'brew install pango'); WeasyPrint needs it for handouts" >&2
      need=1
    fi
  done
  have_lib libharfbuzz-subset || echo "system-deps: note: libharfbuzz-subset not found: handouts render about 2x slower"
  if [[ "$PURPOSE" == test ]]; then
    echo "system-deps: no apt here: the tests also need chromium, redis-server, PostgreSQL 15, nginx and poppler on PATH"
  fi
  [[ $need -eq 0 ]] || exit 1
  echo "system-deps: no apt on this host; the libraries the app needs are present"
  exit 0
fi

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
  echo "system-deps: all ${#PACKAGES[@]} Debian packages to $PURPOSE present"
  exit 0
fi

echo "system-deps: missing (to $PURPOSE): ${missing[*]}"
if [[ "$CHECK" == "--check" ]]; then
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
