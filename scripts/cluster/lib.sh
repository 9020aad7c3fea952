# Shared helpers for scripts/cluster/*.sh. Source it; it reads versions.env.
set -euo pipefail
CLUSTER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$CLUSTER_DIR/../.." && pwd)"
CACHE="$ROOT/.cache/cluster"
source "$CLUSTER_DIR/versions.env"
mkdir -p "$CACHE/logs"
# One build job by default so a shared 2-core machine keeps a core free;
# CLUSTER_BUILD_JOBS=2 (e.g. on an idle machine or in CI) roughly halves cold builds.
export GOFLAGS="-p=${CLUSTER_BUILD_JOBS:-1} -buildvcs=false"
export GOMAXPROCS="${GOMAXPROCS:-${CLUSTER_BUILD_JOBS:-1}}"
NICE="nice -n 15"

_t0=$(date +%s)
log() { printf '[cluster %s +%ss] %s\n' "$(date -u +%H:%M:%S)" "$(( $(date +%s) - _t0 ))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Pins that no build depends on (a CI linter, the address plan given to kind at
# create time) or only one build does (MetalLB: its own wrapper module's go.mod
# carries the version, which the metallb builds hash). Left out of every key, so
# that changing one does not rebuild the Kubernetes binaries and every image.
UNSHARED_PINS='ACTIONLINT_VERSION|POD_SUBNET|SERVICE_SUBNET|METALLB_VERSION'
# key NAME FILES... : short content hash of versions.env's shared pins, the
# given files and NAME. Comments are left out too.
key() {
  local name="$1"; shift
  { echo "$name"; grep -v -E "^[[:space:]]*(#|\$)|^($UNSHARED_PINS)=" "$CLUSTER_DIR/versions.env"; cat "$@"; } | sha256sum | cut -c1-12
}

# step NAME CMD... : run a step with timing lines
step() {
  local name="$1"; shift; local s=$(date +%s)
  log "step $name: start"
  "$@"
  log "step $name: done in $(( $(date +%s) - s ))s"
}

# The cluster's stand-in for the internet's DNS (upstream-dns.sh), on the host's
# docker0 address, which dockerd.sh fixes with --bip and hands to every container
# (so to Docker's embedded DNS in the nodes, so to CoreDNS's `forward`) with --dns.
UPSTREAM_DNS_IP=172.17.0.1
