#!/usr/bin/env bash
# Builds actionlint (the GitHub Actions workflow linter) at ACTIONLINT_VERSION
# of the pin file, scripts/cluster/versions.env, into .cache/actionlint/<version>/
# (gitignored), once, and prints the binary's path. test/unit/actionlint.test.ts
# runs it; by hand:
#   "$(bash scripts/lib/actionlint.sh)" .github/workflows/*.yml
#
# It is built from source through the Go module proxy (no prebuilt binary can
# be downloaded on these machines), so it needs Go. Without Go it fails with a
# message saying so: the workflows are then not linted, and the test says why.
set -euo pipefail
# (no dirname: the script must get as far as the Go check on a bare PATH)
case "${BASH_SOURCE[0]}" in */*) here="${BASH_SOURCE[0]%/*}" ;; *) here=. ;; esac
root="$(cd "$here/../.." && pwd)"
# shellcheck source=../cluster/versions.env
source "$root/scripts/cluster/versions.env"
: "${ACTIONLINT_VERSION:?ACTIONLINT_VERSION is not set in scripts/cluster/versions.env}"

dir="$root/.cache/actionlint/$ACTIONLINT_VERSION"
bin="$dir/actionlint"
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "error: Go is needed to build actionlint $ACTIONLINT_VERSION (go install github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION) and 'go' is not on PATH; install Go (e.g. apt-get install golang-go) and run this again" >&2
  exit 1
fi
echo "==> building actionlint $ACTIONLINT_VERSION into .cache/actionlint/ (once)" >&2
tmp="$(mktemp -d "$root/.cache/actionlint-build.XXXXXX" 2>/dev/null || { mkdir -p "$root/.cache" && mktemp -d "$root/.cache/actionlint-build.XXXXXX"; })"
trap 'rm -rf "$tmp"' EXIT
# GOFLAGS may hold a -mod=vendor or -p of the caller's (scripts/cluster/lib.sh sets one):
# this build resolves the module from the proxy and needs neither.
if ! GOFLAGS=-mod=mod GOBIN="$tmp" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION" >&2; then
  echo "error: go install github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION failed (see above)" >&2
  exit 1
fi
mkdir -p "$dir"
# Into place only once complete, so an interrupted build is never used.
mv "$tmp/actionlint" "$bin.partial" && mv "$bin.partial" "$bin"
echo "$bin"
