package main

// NetworkPolicy rule generation: a pure function from the cluster's state
// (policies, pods, namespaces) and this node's name to the filter chains that
// enforce it; iptables.go writes them. KINDNET-NP is the first rule of FORWARD,
// so it sees pod traffic after kube-proxy's DNAT, i.e. with real pod IPs:
//
//	KINDNET-NP     clear our mark bits; ESTABLISHED/RELATED -> RETURN;
//	               -> KINDNET-NP-EG; -> KINDNET-NP-IN
//	KINDNET-NP-EG  for each pod on this node isolated for Egress: every allowed
//	               (destination, port) sets the egress mark, then
//	               "-s pod, mark unset -> DROP"
//	KINDNET-NP-IN  the same for Ingress with "-d pod" and the ingress mark.
//
// Marks rather than ACCEPT/RETURN because an allowed egress packet must still
// meet the ingress chain, and an ipBlock.except sub-chain (KINDNET-NP-X<hash>)
// must be able to return "not allowed by this peer" without ending the walk.
// Traffic from or to the node itself (INPUT/OUTPUT: kubelet probes, hostNetwork
// pods on this node) is not filtered, as the API allows.

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	netv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

const (
	npChain = "KINDNET-NP"
	egChain = "KINDNET-NP-EG"
	inChain = "KINDNET-NP-IN"
	markEg  = "0x100000"
	markIn  = "0x200000"
	// both bits: cleared per packet, since marks outlive the chain
	markBoth = "0x300000"
)

// world is what the rules are computed from.
type world struct {
	node       string
	pods       []*corev1.Pod
	namespaces []*corev1.Namespace
	policies   []*netv1.NetworkPolicy
}

// chain is one iptables chain of ours with its complete content; each rule is
// what follows "-A <name>".
type chain struct {
	name  string
	rules []string
}

// side is ingress or egress, seen from the protected pod: self and peer are
// the iptables flags that match the protected pod and the other end.
type side struct{ name, chain, self, peer, mark string }

var (
	ingress = side{"ingress", inChain, "-d", "-s", markIn}
	egress  = side{"egress", egChain, "-s", "-d", markEg}
)

// rule is one ingress or egress rule of a policy, applied to one protected pod.
type rule struct {
	side   side
	pod    *corev1.Pod
	policy *netv1.NetworkPolicy
	peers  []netv1.NetworkPolicyPeer
	ports  []netv1.NetworkPolicyPort
}

type gen struct {
	nsLabels map[string]map[string]string
	pods     []*corev1.Pod // pods that can be a peer or be protected, by namespace/name
	subs     map[string][]string
	warnings map[string]bool
}

// npRules returns the KINDNET-NP* chains for the pods of w on w.node, and
// warnings about what the rules cannot enforce.
func npRules(w world) ([]chain, []string) {
	g := &gen{nsLabels: map[string]map[string]string{}, subs: map[string][]string{}, warnings: map[string]bool{}}
	for _, ns := range w.namespaces {
		g.nsLabels[ns.Name] = ns.Labels
	}
	for _, p := range w.pods {
		if podIP(p) != "" {
			g.pods = append(g.pods, p)
		}
	}
	slices.SortFunc(g.pods, func(a, b *corev1.Pod) int { return strings.Compare(key(a), key(b)) })
	pols := slices.Clone(w.policies)
	slices.SortFunc(pols, func(a, b *netv1.NetworkPolicy) int { return strings.Compare(key(a), key(b)) })

	var eg, in []string
	for _, pod := range g.pods {
		if pod.Spec.NodeName != w.node {
			continue
		}
		var egAllow, inAllow []string
		egIso, inIso := false, false
		for _, p := range pols {
			if p.Namespace != pod.Namespace || !selects(&p.Spec.PodSelector, pod.Labels) {
				continue
			}
			if hasType(p, netv1.PolicyTypeIngress) {
				inIso = true
				for _, r := range p.Spec.Ingress {
					inAllow = append(inAllow, g.rule(rule{ingress, pod, p, r.From, r.Ports})...)
				}
			}
			if hasType(p, netv1.PolicyTypeEgress) {
				egIso = true
				for _, r := range p.Spec.Egress {
					egAllow = append(egAllow, g.rule(rule{egress, pod, p, r.To, r.Ports})...)
				}
			}
		}
		eg = append(eg, isolate(egress, pod, egIso, egAllow)...)
		in = append(in, isolate(ingress, pod, inIso, inAllow)...)
	}
	chains := []chain{
		{npChain, []string{
			"-j MARK --set-xmark 0x0/" + markBoth,
			"-m conntrack --ctstate ESTABLISHED,RELATED -j RETURN",
			"-j " + egChain,
			"-j " + inChain,
		}},
		{egChain, eg},
		{inChain, in},
	}
	for _, name := range sortedKeys(g.subs) {
		chains = append(chains, chain{name, g.subs[name]})
	}
	return chains, sortedKeys(g.warnings)
}

// isolate returns a protected pod's allow rules (sorted, without duplicates)
// followed by the DROP of everything they did not mark.
func isolate(s side, pod *corev1.Pod, isolated bool, allow []string) []string {
	if !isolated {
		return nil
	}
	slices.Sort(allow)
	allow = slices.Compact(allow)
	return append(allow, fmt.Sprintf("%s %s/32 -m mark ! --mark %s/%s -m comment --comment \"%s-isolated %s\" -j DROP",
		s.self, podIP(pod), s.mark, s.mark, s.name, key(pod)))
}

// rule returns the lines that mark the traffic one policy rule allows.
func (g *gen) rule(r rule) []string {
	ps := g.parsePorts(r.policy, r.ports)
	mark := " -j MARK --set-xmark " + r.side.mark + "/" + r.side.mark
	tag := fmt.Sprintf(" -m comment --comment \"%s\"", key(r.policy))
	head := r.side.self + " " + podIP(r.pod) + "/32"
	var out []string
	add := func(peer string, matches []string, target string) {
		for _, m := range matches {
			out = append(out, head+peer+m+tag+target)
		}
	}
	// Named ports name a port of the destination: for ingress that is the
	// protected pod whatever the peer; for egress the peer pod, and for an
	// ipBlock (or any) peer every pod in it that has a port of that name.
	toPod := func(dst *corev1.Pod) []string {
		if r.side == ingress {
			dst = r.pod
		}
		return ps.match(dst)
	}
	namedInto := func(in func(*corev1.Pod) bool) {
		if r.side != egress || len(ps.named) == 0 {
			return
		}
		for _, q := range g.pods {
			if in(q) {
				add(" -d "+podIP(q)+"/32", ps.resolve(q), mark)
			}
		}
	}
	if len(r.peers) == 0 { // every peer
		add("", toPod(nil), mark)
		namedInto(func(*corev1.Pod) bool { return true })
		return out
	}
	for _, peer := range r.peers {
		if peer.IPBlock != nil {
			cidr, except, ok := g.parseBlock(r.policy, peer.IPBlock)
			if !ok {
				continue
			}
			target := mark
			if len(except) > 0 {
				target = " -j " + g.exceptChain(r.side, except)
			}
			add(" "+r.side.peer+" "+cidr.String(), toPod(nil), target)
			namedInto(func(q *corev1.Pod) bool { return inBlock(podIP(q), cidr, except) })
			continue
		}
		for _, q := range g.peerPods(r.policy, peer) {
			add(" "+r.side.peer+" "+podIP(q)+"/32", toPod(q), mark)
		}
	}
	return out
}

// peerPods returns the pods a peer selects: with both selectors their AND; a
// namespaceSelector alone means every pod of the selected namespaces; a
// podSelector alone means pods of the policy's own namespace. Empty selectors
// select everything.
func (g *gen) peerPods(p *netv1.NetworkPolicy, peer netv1.NetworkPolicyPeer) []*corev1.Pod {
	if peer.PodSelector == nil && peer.NamespaceSelector == nil {
		return nil // not valid in the API; select nothing rather than everything
	}
	nsSel, err := selector(peer.NamespaceSelector)
	podSel, err2 := selector(peer.PodSelector)
	if err = errors.Join(err, err2); err != nil {
		g.warn("%s: %v", key(p), err)
		return nil
	}
	var out []*corev1.Pod
	for _, q := range g.pods {
		if nsSel == nil && q.Namespace != p.Namespace ||
			nsSel != nil && !nsSel.Matches(labels.Set(g.nsLabels[q.Namespace])) ||
			podSel != nil && !podSel.Matches(labels.Set(q.Labels)) {
			continue
		}
		out = append(out, q)
	}
	return out
}

// selector converts a label selector once per use; nil stays nil (no constraint).
func selector(s *metav1.LabelSelector) (labels.Selector, error) {
	if s == nil {
		return nil, nil
	}
	return metav1.LabelSelectorAsSelector(s)
}

// ports is a rule's port list: any (no list: every port and protocol), or
// fixed matches plus named ports that resolve per destination pod.
type ports struct {
	any   bool
	fixed []string
	named []netv1.NetworkPolicyPort
}

// match returns the port matches for traffic to dst (nil: not a pod, so no
// named port matches). An empty result allows nothing.
func (ps ports) match(dst *corev1.Pod) []string {
	if ps.any {
		return []string{""}
	}
	return append(slices.Clone(ps.fixed), ps.resolve(dst)...)
}

// resolve returns the matches of the named ports that dst has, with the
// rule's protocol.
func (ps ports) resolve(dst *corev1.Pod) []string {
	if dst == nil {
		return nil
	}
	var out []string
	for _, pp := range ps.named {
		proto := protocol(pp.Protocol)
		for _, c := range slices.Concat(dst.Spec.Containers, dst.Spec.InitContainers) {
			for _, cp := range c.Ports {
				if cp.Name == pp.Port.StrVal && protocol(&cp.Protocol) == proto {
					out = append(out, portMatch(proto, cp.ContainerPort, 0))
				}
			}
		}
	}
	return out
}

func (g *gen) parsePorts(p *netv1.NetworkPolicy, list []netv1.NetworkPolicyPort) ports {
	if len(list) == 0 {
		return ports{any: true}
	}
	var ps ports
	for _, pp := range list {
		proto := protocol(pp.Protocol)
		if proto != corev1.ProtocolTCP && proto != corev1.ProtocolUDP {
			// The node kernel has no SCTP; the port is left out, so the rule
			// allows nothing for it (never "all ports" instead).
			g.warn("%s: %s ports are not enforced (no kernel support); they are not allowed", key(p), proto)
			continue
		}
		switch {
		case pp.Port == nil:
			ps.fixed = append(ps.fixed, " -p "+strings.ToLower(string(proto)))
		case pp.Port.Type == intstr.String:
			ps.named = append(ps.named, pp)
		default:
			end := int32(0)
			if pp.EndPort != nil {
				end = *pp.EndPort
			}
			ps.fixed = append(ps.fixed, portMatch(proto, pp.Port.IntVal, end))
		}
	}
	return ps
}

func protocol(p *corev1.Protocol) corev1.Protocol {
	if p == nil || *p == "" {
		return corev1.ProtocolTCP
	}
	return *p
}

func portMatch(proto corev1.Protocol, port, end int32) string {
	p := strings.ToLower(string(proto))
	if end > port {
		return fmt.Sprintf(" -p %s -m %s --dport %d:%d", p, p, port, end)
	}
	return fmt.Sprintf(" -p %s -m %s --dport %d", p, p, port)
}

// parseBlock returns an ipBlock's IPv4 CIDR and the excepts inside it. IPv6
// blocks are skipped: nothing in this IPv4 cluster can match them.
func (g *gen) parseBlock(p *netv1.NetworkPolicy, b *netv1.IPBlock) (netip.Prefix, []netip.Prefix, bool) {
	cidr, err := netip.ParsePrefix(b.CIDR)
	if err != nil {
		g.warn("%s: ipBlock %q: %v", key(p), b.CIDR, err)
		return cidr, nil, false
	}
	if !cidr.Addr().Is4() {
		return cidr, nil, false
	}
	var except []netip.Prefix
	for _, e := range b.Except {
		ex, err := netip.ParsePrefix(e)
		if err != nil {
			g.warn("%s: ipBlock except %q: %v", key(p), e, err)
			continue
		}
		if ex.Addr().Is4() && cidr.Overlaps(ex) {
			except = append(except, ex.Masked())
		}
	}
	return cidr.Masked(), except, true
}

func inBlock(ip string, cidr netip.Prefix, except []netip.Prefix) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil || !cidr.Contains(a) {
		return false
	}
	return !slices.ContainsFunc(except, func(e netip.Prefix) bool { return e.Contains(a) })
}

// exceptChain returns the sub-chain that returns early for the excepted
// CIDRs and marks the rest; named by content, so equal blocks share one and
// names stay stable across syncs.
func (g *gen) exceptChain(s side, except []netip.Prefix) string {
	var rules []string
	for _, e := range except {
		rules = append(rules, s.peer+" "+e.String()+" -j RETURN")
	}
	rules = append(rules, "-j MARK --set-xmark "+s.mark+"/"+s.mark)
	name := fmt.Sprintf("KINDNET-NP-X%x", sha256.Sum256([]byte(strings.Join(rules, "\n"))))[:22]
	g.subs[name] = rules
	return name
}

func (g *gen) warn(format string, args ...any) { g.warnings[fmt.Sprintf(format, args...)] = true }

// podIP is a pod's IPv4 address if it may take part in policy: hostNetwork
// pods (the node's address) are never selected, and finished pods' addresses
// may already belong to another pod.
func podIP(p *corev1.Pod) string {
	if p.Spec.HostNetwork || p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
		return ""
	}
	ips := []corev1.PodIP{{IP: p.Status.PodIP}}
	ips = append(ips, p.Status.PodIPs...)
	for _, ip := range ips {
		if a, err := netip.ParseAddr(ip.IP); err == nil && a.Is4() {
			return a.String()
		}
	}
	return ""
}

func selects(sel *metav1.LabelSelector, l map[string]string) bool {
	s, err := metav1.LabelSelectorAsSelector(sel)
	return err == nil && s.Matches(labels.Set(l))
}

// hasType defaults policyTypes as the API does: Ingress, plus Egress when
// the policy has egress rules.
func hasType(p *netv1.NetworkPolicy, t netv1.PolicyType) bool {
	if len(p.Spec.PolicyTypes) == 0 {
		return t == netv1.PolicyTypeIngress || (t == netv1.PolicyTypeEgress && len(p.Spec.Egress) > 0)
	}
	return slices.Contains(p.Spec.PolicyTypes, t)
}

func key(o metav1.Object) string { return o.GetNamespace() + "/" + o.GetName() }

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
