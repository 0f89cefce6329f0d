#!/usr/bin/env bash
# The README's test command (`npm test`): installs what is missing, type-checks, builds, and runs
# every test. Two passes: everything but the lab in parallel, then the lab's namespace files one
# at a time (they share the host's cfl-* namespaces). Prints "N passed, N failed, N skipped" last.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx tsc -p tsconfig.test.json
npx tsc -p tsconfig.json
unit=$(mktemp -t carp-failover-unit.XXXXXX.json)
lab=$(mktemp -t carp-failover-lab.XXXXXX.json)
trap 'rm -f "$unit" "$lab"' EXIT
status=0
npx vitest run --exclude 'test/lab/**' --reporter=default --reporter=json --outputFile.json="$unit" "$@" || status=$?
npx vitest run test/lab --no-file-parallelism --reporter=default --reporter=json --outputFile.json="$lab" "$@" || status=$?
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  const broken = [];
  for (const file of process.argv.slice(1)) {
    if (!fs.statSync(file).size) { failed++; continue; }
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + r.numTodoTests;
    // A file that fails before any test runs (an import error, a refused skip in CI) has no test
    // to count: name it, or the line would say 0 failed while the run failed.
    for (const t of r.testResults) if (t.status === "failed" && t.assertionResults.length === 0) broken.push(t.name);
  }
  const files = broken.length ? `; ${broken.length} test file(s) failed before any test ran: ${broken.join(", ")}` : "";
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped${files}`);
' "$unit" "$lab" || true
exit "$status"
