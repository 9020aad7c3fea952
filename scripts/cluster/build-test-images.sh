#!/usr/bin/env bash
# Images that only upstream's conformance suites use (npm run test:conformance),
# built like build-images.sh and loaded into the running cluster's nodes with
# `kind load`, so the node image CI boots stays as small as the examples need.
#   glibc-dns-testing  upstream: debian:bookworm-slim + dnsutils (the DNS
#                      conformance tests' glibc prober); here: Debian bookworm
#                      minbase + dnsutils, the same packages.
source "$(dirname "$0")/lib.sh"
K8S_SRC="$(cd /tmp && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | jq -r .Dir)"
GLIBC_TAG="registry.k8s.io/e2e-test-images/glibc-dns-testing:$(cat "$K8S_SRC/test/images/glibc-dns-testing/VERSION")"
KIND="$("$CLUSTER_DIR/build-components.sh" path kind)"
rootfs="$("$CLUSTER_DIR/build-rootfs.sh" glibc-dns-testing dnsutils,ca-certificates bookworm)"
k=$( { echo "$GLIBC_TAG"; echo "$rootfs"; cat "$0"; } | sha256sum | cut -c1-12)
if [[ "$(docker image inspect -f '{{index .Config.Labels "kindoffline.key"}}' "$GLIBC_TAG" 2>/dev/null)" != "$k" ]]; then
  docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "LABEL kindoffline.key=$k" "$rootfs" "$GLIBC_TAG" >/dev/null
  log "image $GLIBC_TAG imported"
fi
"$KIND" load docker-image --name "$CLUSTER_NAME" "$GLIBC_TAG" >&2
echo "$GLIBC_TAG"
