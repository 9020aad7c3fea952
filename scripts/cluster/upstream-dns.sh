#!/usr/bin/env bash
# upstream-dns.sh start|stop: the cluster's stand-in for the internet's DNS.
# CoreDNS in the cluster forwards names outside cluster.local upstream (kind's
# Corefile: `forward . /etc/resolv.conf`, i.e. Docker's embedded DNS, which asks
# dockerd's --dns). On a reader's cluster a name such as `web.shop.` is answered
# NXDOMAIN by the real DNS; here nothing may leave the machine, and without a
# stand-in the host's egress guard turns every such query into SERVFAIL, which
# resolvers treat differently (c-ares and musl stop at SERVFAIL, glibc does not).
# So a CoreDNS process on the host (outside the cluster) answers NXDOMAIN for
# every name, as the root servers do for a top-level domain that does not exist.
source "$(dirname "$0")/lib.sh"
state="$CACHE/upstream-dns"; mkdir -p "$state"
pidfile="$state/coredns.pid"
running() { [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
case "${1:?usage: upstream-dns.sh start|stop}" in
start)
  if running; then log "upstream DNS stand-in already running (pid $(cat "$pidfile"))"; exit 0; fi
  ip -4 addr show | grep -q "inet $UPSTREAM_DNS_IP/" || die "no interface has $UPSTREAM_DNS_IP (dockerd's docker0, set by dockerd.sh)"
  coredns="$("$CLUSTER_DIR/build-components.sh" path coredns)"
  [[ -x "$coredns" ]] || die "CoreDNS is not built ($coredns)"
  cat > "$state/Corefile" <<COREFILE
.:53 {
    bind $UPSTREAM_DNS_IP
    template ANY ANY . {
        rcode NXDOMAIN
    }
}
COREFILE
  (cd "$state" && setsid "$coredns" -conf "$state/Corefile" -pidfile "$pidfile" > "$state/coredns.log" 2>&1 < /dev/null &)
  for _ in $(seq 1 50); do running && break; sleep 0.1; done
  running || die "the upstream DNS stand-in did not start; see $state/coredns.log"
  log "upstream DNS stand-in on $UPSTREAM_DNS_IP:53 answers NXDOMAIN for every name"
  ;;
stop)
  if running; then kill "$(cat "$pidfile")"; log "upstream DNS stand-in stopped"; fi
  rm -f "$pidfile"
  ;;
*) die "usage: upstream-dns.sh start|stop" ;;
esac
