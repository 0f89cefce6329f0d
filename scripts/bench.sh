#!/usr/bin/env bash
# `npm run bench`: installs what is missing, builds, runs every benchmark (the lab ones when root).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx tsc -p tsconfig.json
exec npx tsx bench/run.ts "$@"
