#!/usr/bin/env bash
# ensure|stop: install Debian's docker.io if missing and run dockerd by hand with
# the CAP_SYS_RESOURCE-stripping runc wrapper as default runtime.
source "$(dirname "$0")/lib.sh"
state="$CACHE/dockerd"; mkdir -p "$state"
case "${1:-ensure}" in
ensure)
  if docker info >/dev/null 2>&1; then
    rt=$(docker info --format '{{.DefaultRuntime}}' 2>/dev/null || true)
    log "dockerd already running (default runtime: $rt)"
    [[ "$rt" == nosysres ]] || log "WARNING: default runtime is not nosysres; privileged nodes may fail"
    [[ -f "$state/owned" ]] || log "WARNING: dockerd was not started by cluster:up, so containers may not use the stand-in DNS at $UPSTREAM_DNS_IP; names outside the cluster then fail with SERVFAIL instead of NXDOMAIN"
    exit 0
  fi
  need=()
  command -v dockerd >/dev/null || need+=(docker.io)
  command -v debootstrap >/dev/null || need+=(debootstrap)
  command -v jq >/dev/null || need+=(jq)
  command -v iptables >/dev/null || need+=(iptables)
  if ((${#need[@]})); then
    log "apt-get install ${need[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
  install -m 0755 "$CLUSTER_DIR/runc-nosysres" "$state/runc-nosysres"
  log "starting dockerd (log: $state/dockerd.log)"
  # --bip/--dns: every container's upstream DNS is the stand-in of upstream-dns.sh
  # DOCKER_DATA_ROOT: a fresh image store, e.g. to measure a cold run beside a warm one.
  setsid dockerd --add-runtime "nosysres=$state/runc-nosysres" --default-runtime nosysres \
    ${DOCKER_DATA_ROOT:+--data-root "$DOCKER_DATA_ROOT"} \
    --bip "$UPSTREAM_DNS_IP/16" --dns "$UPSTREAM_DNS_IP" \
    --pidfile "$state/dockerd.pid" >"$state/dockerd.log" 2>&1 < /dev/null &
  echo started-by-cluster-up > "$state/owned"
  for i in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || die "dockerd did not start; see $state/dockerd.log"
  log "dockerd up"
  ;;
stop)
  if [[ -f "$state/owned" && -f "$state/dockerd.pid" ]]; then
    pid=$(cat "$state/dockerd.pid")
    log "stopping dockerd pid $pid (started by cluster:up)"
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    # dockerd leaves its default bridge behind; it recreates it on the next start
    if ip link show docker0 >/dev/null 2>&1; then ip link delete docker0 2>/dev/null || true; fi
    rm -f "$state/owned"
  else
    log "dockerd not started by cluster:up; leaving it"
  fi
  ;;
esac
