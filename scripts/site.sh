#!/usr/bin/env bash
# Quick start 1: set up and run the site.
#   bash scripts/site.sh          build the site and serve it at http://localhost:4321
#   bash scripts/site.sh --dev    run the live-reloading dev server instead (no search index)
# Brings Node >= 22.12 when the machine's is older, installs npm dependencies
# when package-lock.json changed, and never leaves a half-built dist/ behind.
set -euo pipefail
# shellcheck source=lib/node-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/node-env.sh"
enter_project
port="${PORT:-4321}"
if [ "${1:-}" = "--dev" ]; then
  exec npx astro dev --host 127.0.0.1 --port "$port"
fi
echo "==> building the site" >&2
npm run --silent build
echo "==> serving dist/ at http://localhost:$port (Ctrl-C to stop)" >&2
exec npx astro preview --host 127.0.0.1 --port "$port"
