#!/usr/bin/env bash
# egress-guard.sh add|remove: a host firewall rule that rejects any packet
# arriving from the kind network's bridge and routed out of another interface.
# Traffic between the nodes (bridged, in and out the same bridge) is untouched;
# nothing the cluster does can reach an address outside the machine. It sits on
# the host, outside the cluster, so no check's outcome depends on a rule of ours
# inside a node; test/cluster/smoke.test.ts reads it back.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"
action="${1:?usage: egress-guard.sh add|remove}"
COMMENT="k8s-networking-proven egress guard"
# Remove every rule of ours, whatever bridge it named (the bridge changes per network).
remove() {
  iptables -S DOCKER-USER 2>/dev/null | grep -F -- "--comment \"$COMMENT\"" | sed 's/^-A /-D /' |
    while read -r rule; do eval "iptables $rule" || true; done || true   # grep finds none: fine
}
case "$action" in
  add)
    id=$(docker network inspect kind -f '{{.Id}}' 2>/dev/null) || { echo "egress-guard: no docker network 'kind'" >&2; exit 1; }
    br="br-${id:0:12}"
    ip link show "$br" >/dev/null 2>&1 || { echo "egress-guard: bridge $br not found" >&2; exit 1; }
    remove
    iptables -N DOCKER-USER 2>/dev/null || true
    iptables -I DOCKER-USER -i "$br" ! -o "$br" -m comment --comment "$COMMENT" -j REJECT --reject-with icmp-port-unreachable
    echo "egress-guard: rejecting traffic routed out of $br" >&2
    ;;
  remove) remove ;;
  *) echo "usage: egress-guard.sh add|remove" >&2; exit 2 ;;
esac
