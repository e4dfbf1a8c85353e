#!/usr/bin/env bash
# The whole test suite on a fresh machine: install what is missing, type-check, run every test.
# When something fails, the failing tests are printed again at the very end, so that a log
# which keeps only its tail (CI's) still names them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh --tests
node scripts/build.mjs    # the compiled bundles bin/ starts (dist/), once, before tests start many processes
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if npm test 2>&1 | tee "$log"; then exit 0; fi
echo
echo "==== failing tests (repeated from above) ===="
grep -n -A40 -E '^\s*not ok ' "$log" | grep -v -E '^[0-9]+-\s+(duration_ms|\.\.\.|---)' | head -n 400
exit 1
