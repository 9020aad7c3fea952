#!/usr/bin/env bash
# npm run cluster:up — bring up the offline kind cluster (1 control plane +
# $WORKERS workers, kube-proxy in $KUBE_PROXY_MODE mode, both from versions.env)
# with everything built locally; a second run rebuilds nothing.
# Env: KIND_RETAIN=1 keeps node containers when `kind create` fails.
source "$(dirname "$0")/lib.sh"
export PATH="$PATH:/usr/sbin:/sbin"
step docker "$CLUSTER_DIR/dockerd.sh" ensure
command -v go >/dev/null || die "Go is required (go 1.26 on these machines)"
step k8s-binaries "$CLUSTER_DIR/build-k8s.sh" >/dev/null
step components "$CLUSTER_DIR/build-components.sh" all
step upstream-dns "$CLUSTER_DIR/upstream-dns.sh" start
step node-image bash -c "\"$CLUSTER_DIR/build-node-image.sh\" > \"$CACHE/node-image.txt\""
IMAGE="$(cat "$CACHE/node-image.txt")"
KIND="$("$CLUSTER_DIR/build-components.sh" path kind)"
KUBECTL="$("$CLUSTER_DIR/build-k8s.sh")/bin/kubectl"
KUBECONFIG="$CACHE/kubeconfig"; export KUBECONFIG
mkdir -p "$CACHE/bin-links"; ln -sf "$KIND" "$CACHE/bin-links/kind"; ln -sf "$KUBECTL" "$CACHE/bin-links/kubectl"
k() { "$KUBECTL" "$@"; }

cat > "$CACHE/kind-config.yaml" <<YAML
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
name: $CLUSTER_NAME
networking:
  kubeProxyMode: $KUBE_PROXY_MODE
  podSubnet: $POD_SUBNET
  serviceSubnet: $SERVICE_SUBNET
nodes:
  - role: control-plane
$(for _ in $(seq 1 "$WORKERS"); do echo "  - role: worker"; done)
containerdConfigPatches:
  - |-
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
      BinaryName = "/usr/local/sbin/runc-nosysres"
kubeadmConfigPatches:
  - |
    kind: KubeletConfiguration
    failCgroupV1: false
YAML

create() {
  if "$KIND" get clusters 2>/dev/null | grep -qx "$CLUSTER_NAME"; then
    local all running
    all=$(docker ps -aq --filter "label=io.x-k8s.kind.cluster=$CLUSTER_NAME" | wc -l)
    running=$(docker ps -q --filter "label=io.x-k8s.kind.cluster=$CLUSTER_NAME" | wc -l)
    if [[ "$all" != "$running" ]]; then
      # e.g. dockerd was restarted: recreate rather than revive half-stopped nodes
      log "cluster $CLUSTER_NAME has stopped nodes ($running/$all running); recreating it"
      "$KIND" delete cluster --name "$CLUSTER_NAME" --kubeconfig "$KUBECONFIG" >&2
      create; return
    fi
    log "cluster $CLUSTER_NAME exists; exporting kubeconfig"
    "$KIND" export kubeconfig --name "$CLUSTER_NAME" --kubeconfig "$KUBECONFIG" >/dev/null
    return
  fi
  local retain=(); [[ "${KIND_RETAIN:-}" == 1 ]] && retain=(--retain)
  "$KIND" create cluster --name "$CLUSTER_NAME" --image "$IMAGE" --config "$CACHE/kind-config.yaml" \
    --kubeconfig "$KUBECONFIG" "${retain[@]}" 2>&1 | tee "$CACHE/logs/kind-create.log" >&2
  [[ ${PIPESTATUS[0]} == 0 ]] || die "kind create cluster failed (log: $CACHE/logs/kind-create.log)"
}
step create create
# Host-side guard, outside the cluster: nothing from the kind bridge may be
# routed out of it (traffic only to addresses the project created). Nothing
# inside the cluster rejects traffic on the project's behalf.
step egress-guard "$CLUSTER_DIR/egress-guard.sh" add
# older node images of this project that no node uses any more
docker images --format '{{.Repository}}:{{.Tag}}' | grep "^kindest/node:$K8S_VERSION-offline-" | grep -vx "$IMAGE" |
  xargs -r docker rmi >/dev/null 2>&1 || true

wait_ready() {
  k wait --for=condition=Ready nodes --all --timeout=300s >&2
  k -n kube-system rollout status deploy/coredns --timeout=300s >&2
  k -n kube-system rollout status ds/kindnet --timeout=300s >&2
  k -n kube-system rollout status ds/kube-proxy --timeout=300s >&2
}
step nodes-ready wait_ready

# pool_range SUBNET: the 51 addresses ending 5 below the broadcast address of an
# IPv4 subnet of /24 or wider, e.g. 172.18.0.0/16 -> 172.18.255.200-172.18.255.250.
pool_range() {
  local ip="${1%/*}" len="${1#*/}" a b c d n top
  [[ "$len" =~ ^[0-9]+$ && $len -le 24 ]] || die "kind network subnet $1 is not an IPv4 /24 or wider"
  IFS=. read -r a b c d <<<"$ip"
  n=$(( (a << 24) | (b << 16) | (c << 8) | d ))
  top=$(( n | ((1 << (32 - len)) - 1) ))
  q() { echo "$(( ($1 >> 24) & 255 )).$(( ($1 >> 16) & 255 )).$(( ($1 >> 8) & 255 )).$(( $1 & 255 ))"; }
  echo "$(q $((top - 55)))-$(q $((top - 5)))"
}
# MetalLB (L2 mode) as the LoadBalancer implementation, from the manifests in its
# module at METALLB_VERSION; images preloaded (build-images.sh). Applied right
# after the nodes are Ready, so that its pods start while the steps below run;
# metallb-pool waits for them at the end.
METALLB_POOL=""
metallb_apply() {
  local dir subnet range
  subnet=$(docker network inspect kind -f '{{range .IPAM.Config}}{{.Subnet}} {{end}}' | tr ' ' '\n' | grep -m1 -E '^[0-9.]+/[0-9]+$') ||
    die "the kind docker network has no IPv4 subnet"
  range="$(pool_range "$subnet")"
  # already there (a second cluster:up): the controller runs the pinned image and the pool is this one
  if [[ "$(k -n metallb-system get deploy controller -o jsonpath='{.spec.template.spec.containers[0].image}' 2>/dev/null)" == "quay.io/metallb/controller:$METALLB_VERSION" &&
        "$(k -n metallb-system get ipaddresspool kind-offline -o jsonpath='{.spec.addresses[0]}' 2>/dev/null)" == "$range" ]] &&
     k -n metallb-system get l2advertisement kind-offline >/dev/null 2>&1; then
    log "MetalLB $METALLB_VERSION with pool $range already installed"; return 0
  fi
  METALLB_POOL="$(sed "s/@ADDRESSES@/$range/" "$CLUSTER_DIR/manifests/metallb-pool.yaml")"
  log "MetalLB pool kind-offline: $range (kind network $subnet)"
  dir="$(cd /tmp && go mod download -json "go.universe.tf/metallb@$METALLB_VERSION" | jq -r .Dir)"
  # server-side: the CRDs are too large for client-side apply's last-applied annotation
  k apply --server-side -f "$dir/config/manifests/metallb-native.yaml" >&2
}
metallb_pool() {
  [[ -n "$METALLB_POOL" ]] || return 0
  k wait --for=condition=Established crd/ipaddresspools.metallb.io crd/l2advertisements.metallb.io --timeout=60s >/dev/null
  k -n metallb-system rollout status deploy/controller --timeout=180s >&2
  k -n metallb-system rollout status ds/speaker --timeout=180s >&2
  # The pool goes through MetalLB's validating webhook, served by the controller
  # only once it has written its own certificate: retry for up to 60 s.
  local i
  for i in $(seq 1 30); do
    if echo "$METALLB_POOL" | k apply -f - >/dev/null 2>"$CACHE/logs/metallb-pool.err"; then return 0; fi
    sleep 2
  done
  die "MetalLB's webhook did not accept the IPAddressPool within 60 s: $(tail -n 3 "$CACHE/logs/metallb-pool.err")"
}
step metallb-apply metallb_apply

dns_check() {
  k -n default delete pod cluster-up-dnscheck --ignore-not-found --wait=true >/dev/null
  k -n default run cluster-up-dnscheck --restart=Never --image="registry.k8s.io/e2e-test-images/agnhost:$AGNHOST_VERSION" \
    --image-pull-policy=IfNotPresent --command -- nslookup kubernetes.default.svc.cluster.local >/dev/null
  local phase=""
  for i in $(seq 1 90); do
    phase=$(k -n default get pod cluster-up-dnscheck -o jsonpath='{.status.phase}')
    [[ $phase == Succeeded || $phase == Failed ]] && break; sleep 1
  done
  k -n default logs cluster-up-dnscheck >&2 || true
  k -n default delete pod cluster-up-dnscheck --wait=false >/dev/null
  [[ $phase == Succeeded ]] || die "CoreDNS check failed (pod phase: $phase)"
}
step coredns-answers dns_check

ingress() {
  local gw; gw="$(cd /tmp && go mod download -json "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION" | jq -r .Dir)"
  k apply --server-side -f "$gw/config/crd/standard/" >&2
  k wait --for=condition=Established crd --all --timeout=60s >/dev/null
  sed "s/@TRAEFIK_VERSION@/$TRAEFIK_VERSION/" "$CLUSTER_DIR/manifests/traefik.yaml" | k apply -f - >&2
  k -n traefik rollout status deploy/traefik --timeout=180s >&2
}
step gateway-api-and-traefik ingress
step metallb-pool metallb_pool


log "cluster $CLUSTER_NAME is up (total $(( $(date +%s) - _t0 ))s)"
log "export KUBECONFIG=$KUBECONFIG   # kubectl: $CACHE/bin-links/kubectl, kind: $CACHE/bin-links/kind"
echo "$KUBECONFIG"
