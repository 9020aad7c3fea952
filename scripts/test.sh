#!/usr/bin/env bash
# Quick start 2: set up and run the tests (offline checks, site build, links,
# browser and accessibility tests). Extra arguments go to vitest, e.g.
#   bash scripts/test.sh --project unit
set -euo pipefail
# shellcheck source=lib/node-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/node-env.sh"
enter_project

# The browser tests drive Debian's Chromium (a test tool's own browser download
# is not possible on these machines).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "==> installing Debian's chromium for the browser tests" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "error: /usr/bin/chromium is missing; install it with: sudo apt-get install -y chromium" >&2
    exit 1
  fi
fi

echo "==> running the test suite (npm test)" >&2
mkdir -p .cache
rm -f .cache/test-results.json
status=0
npm test -- --reporter=default --reporter=json --outputFile.json=.cache/test-results.json "$@" || status=$?
# One plain closing line that any CI log reader understands.
node -e '
  const fs = require("node:fs");
  const f = ".cache/test-results.json";
  if (!fs.existsSync(f)) { console.log("tests: 0 passed, 1 failed (no results written)"); process.exit(0); }
  const r = JSON.parse(fs.readFileSync(f, "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
'
exit "$status"
