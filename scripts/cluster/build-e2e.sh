#!/usr/bin/env bash
# Build upstream's e2e test binary (k8s.io/kubernetes/test/e2e, `go test -c`)
# from the same wrapper module and version as the cluster, for the conformance
# suites (npm run test:conformance). Output: $CACHE/e2e-<key>/e2e.test. Prints the path.
source "$(dirname "$0")/lib.sh"
k=$(key e2e "$0" "$ROOT/tools/k8s/go.mod" "$ROOT/tools/k8s/go.sum" "$CLUSTER_DIR/lib.sh")
out="$CACHE/e2e-$k"
if [[ -f "$out/.done" ]]; then echo "$out/e2e.test"; exit 0; fi
mkdir -p "$out"
ver="$K8S_VERSION"; major="${ver#v}"; major="${major%%.*}"; minor="$(echo "$ver" | cut -d. -f2)"
ld=""
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ld+=" -X $p.gitVersion=$ver -X $p.gitMajor=$major -X $p.gitMinor=$minor"
done
s=$(date +%s)
log "building e2e.test from k8s.io/kubernetes $ver into $out"
(cd "$ROOT/tools/k8s" && CGO_ENABLED=0 $NICE go test -c -trimpath -ldflags "-s -w $ld" -o "$out/e2e.test" k8s.io/kubernetes/test/e2e)
touch "$out/.done"
for old in "$CACHE/e2e-"????????????; do if [[ "$old" != "$out" && -d "$old" ]]; then rm -rf "$old"; fi; done
log "e2e.test built in $(( $(date +%s) - s ))s"
echo "$out/e2e.test"
