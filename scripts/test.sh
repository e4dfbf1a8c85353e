#!/usr/bin/env bash
# The whole test suite on a fresh machine: install what is missing, type-check, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npm test
