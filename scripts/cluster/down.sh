#!/usr/bin/env bash
# npm run cluster:down — delete the cluster, its docker network, and stop
# dockerd if cluster:up started it. Build caches stay in .cache/cluster.
source "$(dirname "$0")/lib.sh"
if docker info >/dev/null 2>&1; then
  KIND="$("$CLUSTER_DIR/build-components.sh" path kind)"
  if [[ -x "$KIND" ]]; then
    step delete "$KIND" delete cluster --name "$CLUSTER_NAME" --kubeconfig "$CACHE/kubeconfig"
  fi
  # anything left labelled by kind for this cluster (e.g. after a failed create)
  left=$(docker ps -aq --filter "label=io.x-k8s.kind.cluster=$CLUSTER_NAME")
  [[ -n "$left" ]] && docker rm -f -v $left >/dev/null
  docker ps -aq --filter 'name=^kind-offline-preload-' | xargs -r docker rm -f -v >/dev/null
  "$CLUSTER_DIR/egress-guard.sh" remove
  # kind's "kind" network is shared by all kind clusters: remove it when unused
  if docker network inspect kind >/dev/null 2>&1 && [[ -z "$(docker network inspect kind -f '{{range .Containers}}x{{end}}')" ]]; then
    docker network rm kind >/dev/null && log "removed docker network kind"
  fi
  # (no `docker volume prune`: it would delete a user's unrelated volumes; `docker rm -v`
  # above and kind's own delete remove the nodes' anonymous /var volumes)
fi
rm -f "$CACHE/kubeconfig"
"$CLUSTER_DIR/upstream-dns.sh" stop
"$CLUSTER_DIR/dockerd.sh" stop
log "cluster down"
