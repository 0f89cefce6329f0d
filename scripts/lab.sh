#!/usr/bin/env bash
# `npm run lab`, the README's first command: installs what is missing, builds, and runs the
# failover demo (test/lab/demo.ts) as root: strategy shared-vmac, or `npm run lab -- --strategy
# move|vmac [--task-ms N]` (arguments survive sudo, the environment does not). The demo removes
# everything it made, also on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
  echo "lab: needs root (network namespaces); run: sudo npm run lab" >&2
  exit 1
fi
bash scripts/setup.sh
npx tsc -p tsconfig.json
exec npx tsx test/lab/demo.ts "$@"
