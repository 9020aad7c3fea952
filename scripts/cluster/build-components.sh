#!/usr/bin/env bash
# Build every Go/C program the cluster needs except the Kubernetes binaries
# (build-k8s.sh): kind, etcd, CoreDNS, Traefik, MetalLB's controller and
# speaker, kindnet-lite and pause; and, on
# request only (npm run test:conformance), cyclonus.
# One cache dir per component: $CACHE/bin/<name>-<key>/. Prints nothing;
# `build-components.sh path NAME` prints a component's binary path.
source "$(dirname "$0")/lib.sh"
comp_dir() { # NAME -> cache dir (key covers versions.env, this script, the module files)
  local n="$1" extra=()
  case "$n" in
    etcd|traefik) extra=("$ROOT/tools/$n/go.mod") ;;
    metallb-controller|metallb-speaker) extra=("$ROOT/tools/metallb/go.mod") ;;
    kindnet-lite) extra=("$ROOT/tools/k8s/go.mod" "$ROOT"/tools/k8s/cmd/kindnet-lite/*.go) ;;
    pause) extra=("$CLUSTER_DIR/images/pause.c") ;;
  esac
  echo "$CACHE/bin/$n-$(key "$n" "$0" "$CLUSTER_DIR/lib.sh" "${extra[@]}")"
}
# metallb_src: MetalLB's module source, copied out of the module cache (which
# go build's -overlay may not touch), minus the FRR-K8s AS-path-prepend code:
# it needs github.com/metallb/frr-k8s v0.0.27, which the proxy does not serve
# (gen-wrapper-modules.sh pins v0.0.26). Only the FRR-K8s BGP mode uses it;
# this cluster runs L2. The sed fails the build if upstream's lines move.
metallb_src() {
  local up out f
  up="$(cd /tmp && go mod download -json "go.universe.tf/metallb@$METALLB_VERSION" | jq -r .Dir)"
  out="$CACHE/src/metallb-$METALLB_VERSION-$(key metallb-src "$0")"
  if [[ ! -f "$out/.done" ]]; then
    rm -rf "$out"; mkdir -p "$(dirname "$out")"
    cp -r "$up" "$out"; chmod -R u+w "$out"
    f="$out/internal/bgp/frrk8s/frrk8s.go"
    sed -i -e '/PrefixesWithAsPathPrepend: make(/d' -e '/neighbor.ToAdvertise.PrefixesWithAsPathPrepend = /d' \
      -e '/^func toAdvertiseWithAsPathPrepend/,/^}/d' "$f"
    ! grep -q 'AsPathPrependPrefixes\|PrefixesWithAsPathPrepend' "$f" || die "MetalLB's frrk8s.go changed: review the AS-path-prepend cut in build-components.sh"
    touch "$out/.done"
    for old in "$CACHE/src/metallb-"*; do if [[ "$old" != "$out" ]]; then rm -rf "$old"; fi; done
  fi
  echo "$out"
}
build_one() {
  local n="$1" d; d="$(comp_dir "$n")"
  [[ -f "$d/.done" ]] && return 0
  mkdir -p "$d"; local s=$(date +%s)
  log "build $n -> $d"
  case "$n" in
    kind)
      CGO_ENABLED=0 GOBIN="$d" $NICE go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kind@$KIND_VERSION" ;;
    coredns)
      CGO_ENABLED=0 GOBIN="$d" $NICE go install -trimpath -ldflags "-s -w -X github.com/coredns/coredns/coremain.GitCommit=$COREDNS_VERSION" \
        "github.com/coredns/coredns@$COREDNS_VERSION" ;;
    etcd)
      (cd "$ROOT/tools/etcd" && CGO_ENABLED=0 $NICE go build -trimpath \
        -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$ETCD_VERSION" -o "$d/etcd" go.etcd.io/etcd/server/v3) ;;
    traefik)
      (cd "$ROOT/tools/traefik" && CGO_ENABLED=0 $NICE go build -trimpath \
        -ldflags "-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=$TRAEFIK_VERSION" \
        -o "$d/traefik" github.com/traefik/traefik/v3/cmd/traefik) ;;
    metallb-controller|metallb-speaker)
      # tools/metallb pins the build list; -modfile adds, for this build only, a
      # replace of MetalLB itself by a patched copy (metallb_src). Named as in
      # upstream's images (/controller, /speaker).
      local src; src="$(metallb_src)"
      sed '/^\/\//d' "$ROOT/tools/metallb/go.mod" > "$d/build.mod"
      echo "replace go.universe.tf/metallb => $src" >> "$d/build.mod"
      cp "$ROOT/tools/metallb/go.sum" "$d/build.sum"
      (cd "$ROOT/tools/metallb" && CGO_ENABLED=0 $NICE go build -modfile="$d/build.mod" -trimpath \
        -ldflags "-s -w -X go.universe.tf/metallb/internal/version.gitCommit=$METALLB_VERSION" \
        -o "$d/$(bin_name "$n")" "go.universe.tf/metallb/${n#metallb-}")
      rm -f "$d/build.mod" "$d/build.sum" ;;
    cyclonus)
      CGO_ENABLED=0 GOBIN="$d" $NICE go install -trimpath -ldflags "-s -w" "github.com/mattfenwick/cyclonus/cmd/cyclonus@$CYCLONUS_VERSION" ;;
    kindnet-lite)
      (cd "$ROOT/tools/k8s" && CGO_ENABLED=0 $NICE go build -trimpath -ldflags "-s -w" -o "$d/kindnet-lite" ./cmd/kindnet-lite) ;;
    pause)
      $NICE gcc -static -Os -Wall -o "$d/pause" "$CLUSTER_DIR/images/pause.c" && strip "$d/pause" ;;
    *) die "unknown component $n" ;;
  esac
  touch "$d/.done"
  # drop builds of this component under older keys
  for old in "$CACHE/bin/$n-"????????????; do if [[ "$old" != "$d" && -d "$old" ]]; then rm -rf "$old"; fi; done
  log "build $n: done in $(( $(date +%s) - s ))s"
  echo "$n $(( $(date +%s) - s ))s $(date -u +%FT%TZ)" >> "$CACHE/logs/build-times.txt"
}
ALL=(pause kind kindnet-lite coredns etcd traefik metallb-controller metallb-speaker)
bin_name() { echo "${1#metallb-}"; } # metallb-controller -> controller
case "${1:-all}" in
  path) d="$(comp_dir "$2")"; echo "$d/$(bin_name "$2")" ;;
  all) for n in "${ALL[@]}"; do build_one "$n"; done ;;
  *) for n in "$@"; do build_one "$n"; done ;;
esac
