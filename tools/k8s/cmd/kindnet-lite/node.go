package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/netip"
	"os"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// syncNode writes the CNI config and NAT chain for this node's podCIDR and
// routes the other nodes' podCIDRs.
func (d *daemon) syncNode(force bool) error {
	nodes, err := d.nodes.List(labels.Everything())
	if err != nil {
		return fmt.Errorf("reading node cache: %w", err)
	}
	var errs []error
	self := false
	for _, n := range nodes {
		cidr := n.Spec.PodCIDR
		if n.Name == d.node {
			self = true
			if cidr == "" {
				errs = append(errs, fmt.Errorf("node %s has no podCIDR yet", n.Name))
				continue
			}
			t, err := natTable(d.podSubnet, cidr)
			if err == nil {
				err = d.apply(t, force)
			}
			errs = append(errs, err, writeCNIConfig(d.cniPath, cidr))
			continue
		}
		ip := internalIP(n)
		if cidr == "" || ip == "" || (!force && d.routes[cidr] == ip) {
			continue
		}
		if err := d.host.replaceRoute(cidr, ip); err != nil {
			errs = append(errs, err)
			continue
		}
		d.routes[cidr] = ip
	}
	if !self {
		errs = append(errs, fmt.Errorf("node %s not in the cache", d.node))
	}
	return errors.Join(errs...)
}

func internalIP(n *corev1.Node) string {
	for _, a := range n.Status.Addresses {
		if a.Type == corev1.NodeInternalIP && !strings.Contains(a.Address, ":") {
			return a.Address
		}
	}
	return ""
}

func writeCNIConfig(path, podCIDR string) error {
	conf := map[string]any{
		"cniVersion": "0.4.0",
		"name":       "kindnet",
		"plugins": []any{
			map[string]any{
				"type":   "ptp",
				"ipMasq": false,
				"mtu":    1500,
				"ipam": map[string]any{
					"type":    "host-local",
					"dataDir": "/run/cni-ipam-state",
					"routes":  []any{map[string]any{"dst": "0.0.0.0/0"}},
					"ranges":  []any{[]any{map[string]any{"subnet": podCIDR}}},
				},
			},
			map[string]any{"type": "portmap", "capabilities": map[string]bool{"portMappings": true}},
		},
	}
	b, err := json.MarshalIndent(conf, "", "  ")
	if err != nil {
		return err
	}
	if old, err := os.ReadFile(path); err == nil && string(old) == string(b) {
		return nil
	}
	// write then rename, so the container runtime never reads half a file
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("cni config: %w", err)
	}
	log.Printf("writing %s for podCIDR %s", path, podCIDR)
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("cni config: %w", err)
	}
	return nil
}

// natTable: source NAT, in one chain first in POSTROUTING (before anything
// kube-proxy may add there):
//   - pod traffic to anything but pods and the node's own addresses is
//     masqueraded to the node address;
//   - traffic from a node address to a pod on another node gets this node's
//     pod-range gateway address (first address of its podCIDR) as source. The
//     host machine's firewall (DOCKER-USER) rejects bridged packets from the
//     kind network (172.18.0.0/16) to addresses outside it, so node-sourced
//     packets to remote pod IPs (hostNetwork pods, apiserver/kubelet calls,
//     NodePort traffic kube-proxy masqueraded to the node address) would never
//     arrive; pod-sourced ones pass. Replies route back through the podCIDR
//     route and conntrack undoes the SNAT. Traffic to this node's own pods
//     keeps its source (it never crosses the host).
func natTable(podSubnet, ownCIDR string) (table, error) {
	pfx, err := netip.ParsePrefix(ownCIDR)
	if err != nil {
		return table{}, fmt.Errorf("node podCIDR %q: %w", ownCIDR, err)
	}
	if _, err := netip.ParsePrefix(podSubnet); err != nil {
		return table{}, fmt.Errorf("POD_SUBNET %q: %w", podSubnet, err)
	}
	gw := pfx.Masked().Addr().Next().String()
	return table{name: "nat", jumps: map[string]string{"POSTROUTING": snatChain}, chains: []chain{{snatChain, []string{
		"-d " + pfx.Masked().String() + " -j RETURN",
		"! -s " + podSubnet + " -d " + podSubnet + ` -m comment --comment "kindnet-lite node-to-remote-pod" -j SNAT --to-source ` + gw,
		"-s " + podSubnet + " ! -d " + podSubnet + ` -m addrtype ! --dst-type LOCAL -m comment --comment "kindnet-lite masquerade" -j MASQUERADE`,
	}}}}, nil
}

const snatChain = "KINDNET-SNAT"
