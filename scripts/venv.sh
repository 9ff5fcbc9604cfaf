#!/usr/bin/env bash
# Creates or refreshes a virtualenv from a lock file, with pip's hash checking.
#
#   bash scripts/venv.sh .venv     requirements.lock        the app's runtime (make run, make serve, systemd)
#   bash scripts/venv.sh .venv-dev requirements-dev.lock    tests, lint, benches, `make lock`
#
# The lock pins every package, transitive ones included, with their hashes (`make lock` writes it with
# pip-tools), and pins pip and setuptools too, so the venv's own pip is upgraded by the same install.
# A venv is rebuilt from scratch only when its lock or the interpreter changed (a stamp holds their
# hash), so that a package dropped from the lock does not linger. flock: two runs in one checkout must
# not install into the same venv at once.
set -euo pipefail

VENV="${1:?usage: $0 VENV_DIR LOCK_FILE}"
LOCK="${2:?usage: $0 VENV_DIR LOCK_FILE}"
PYTHON="${PYTHON:-python3}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mkdir -p .run
exec 9>".run/$(basename "$VENV").lock"
flock 9

[[ -f "$LOCK" ]] || { echo "venv: $LOCK not found" >&2; exit 1; }
want="$( { "$PYTHON" -VV; cat "$LOCK"; } | sha256sum | cut -d' ' -f1)"
stamp="$VENV/.lock.sha256"
if [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" -c 'import sys' 2>/dev/null \
   && [[ "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; then
  echo "venv: $VENV up to date ($LOCK)"
  exit 0
fi

start=$SECONDS
echo "venv: creating $VENV from $LOCK with $("$PYTHON" --version 2>&1) (about a minute on a fresh clone)"
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
# The lock's own pip first (hash-checked, alone): the pip a new venv starts with (23.2 with Debian's
# Python 3.11) resolves an extra such as weasyprint's fonttools[woff] to the newest release instead of
# the locked one, so the hash check fails on a fresh clone whenever that package has a newer release.
awk '/^pip==/ { on = 1 } on { print } on && !/\\$/ { exit }' "$LOCK" >".run/$(basename "$VENV")-pip.txt"
"$VENV/bin/python" -m pip install --quiet --no-input --disable-pip-version-check --require-hashes --no-deps \
  -r ".run/$(basename "$VENV")-pip.txt" 2>&1 | { grep -v -e 'is ignored: it is neither a file nor a directory' || true; }
# --require-hashes: every file pip downloads must match a hash in the lock, or the install stops.
# The grep drops pip's one-line warning per package that a machine-wide local extra index
# (pip.conf) does not carry: ~100 lines of noise on a fresh install.
"$VENV/bin/python" -m pip install --quiet --no-input --disable-pip-version-check --require-hashes \
  -r "$LOCK" 2>&1 | { grep -v -e 'is ignored: it is neither a file nor a directory' || true; }
"$VENV/bin/python" -m pip check >/dev/null || { "$VENV/bin/python" -m pip check; exit 1; }
echo "$want" >"$stamp"
echo "venv: $VENV installed in $((SECONDS - start)) s"
