#!/usr/bin/env bash
# Runs ONE-TS on its embedded default (SQLite in var/one.db) on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
node scripts/build.mjs    # compiles oned, mm_sched and the drivers into dist/ when a source changed
auth="${ONE_AUTH:-$HOME/.one/one_auth}"
if [ ! -f "$auth" ]; then
  mkdir -p "$(dirname "$auth")"
  password=$(node -e "console.log(require('crypto').randomBytes(12).toString('hex'))")
  (umask 077; echo "oneadmin:$password" > "$auth")
  echo "Created $auth for oneadmin (password: $password)."
fi
exec bin/one start "$@"
