#!/usr/bin/env bash
# Every test: builds the app, runs vitest (unit, API, scheduling, market data against real
# redis-server processes and the replay server), then Playwright in Debian's Chromium.
# Prints one closing line "tests: N passed, M failed" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .reports test-results
rm -f .reports/vitest.json .reports/playwright.json

status=0
NEXT_TELEMETRY_DISABLED=1 npx next build > .reports/build.log 2>&1 || { cat .reports/build.log; echo "build failed"; status=1; }
if [ "$status" -eq 0 ]; then
  npx vitest run --reporter=default --reporter=json --outputFile.json=.reports/vitest.json || status=1
  PLAYWRIGHT_JSON_OUTPUT_NAME=.reports/playwright.json npx playwright test --reporter=list,json || status=1
fi

node -e '
const fs = require("fs");
let passed = 0, failed = 0;
try {
  const v = JSON.parse(fs.readFileSync(".reports/vitest.json", "utf8"));
  passed += v.numPassedTests; failed += v.numFailedTests;
} catch { failed += 1; console.error("no vitest results"); }
try {
  const p = JSON.parse(fs.readFileSync(".reports/playwright.json", "utf8"));
  passed += p.stats.expected + (p.stats.flaky || 0); failed += p.stats.unexpected;
} catch { failed += 1; console.error("no playwright results"); }
console.log(`tests: ${passed} passed, ${failed} failed`);
fs.writeFileSync(".reports/summary.json", JSON.stringify({ passed, failed }));
'
exit "$status"
