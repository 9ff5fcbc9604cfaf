#!/usr/bin/env bash
# The project's own JavaScript: ESLint over every page script, then `node --test` over the shared kit's
# pure functions (tests/js/). Installs the pinned tools from package-lock.json (npm ci, from the npm
# registry) only when the lock changed since the last install. The app itself never needs npm.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "lint-js: Node.js and npm are needed (the machine's own, 20 or newer)" >&2
  exit 1
fi
stamp=node_modules/.sb-lock-sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  echo "$want" > "$stamp"
fi
node_modules/.bin/eslint --max-warnings 0 .
node --test tests/js/
