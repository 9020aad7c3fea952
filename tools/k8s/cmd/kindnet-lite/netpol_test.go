package main

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	netv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

// The rule tests check behaviour, not text: they run packets through the
// generated chains with a small evaluator of the iptables subset we emit
// (see verdict), as the first packet of a connection.

type probe struct {
	from, to string // pod "ns/name" or an IP
	proto    string // "tcp" unless set
	port     int
	allowed  bool
}

func TestRules(t *testing.T) {
	tcp, udp, sctp := corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP
	server := pod("srv", "server", "n1", "10.244.1.10", lbl("app", "server"), cport("http", tcp, 8080), cport("dns", tcp, 53))
	client := pod("srv", "client", "n1", "10.244.1.11", lbl("role", "client"))
	remote := pod("a", "remote", "n2", "10.244.2.20", lbl("role", "client"), cport("http", tcp, 9090))
	plain := pod("a", "plain", "n2", "10.244.2.21", lbl("role", "other"), cport("web", tcp, 8080))
	other := pod("b", "other", "n2", "10.244.3.30", lbl("role", "client"))
	coredns := pod("kube-system", "coredns", "n2", "10.244.2.2", lbl("k8s-app", "kube-dns"), cport("dns", udp, 53), cport("dns-tcp", tcp, 53))
	kubeProxy := pod("kube-system", "kube-proxy", "n2", "10.244.2.3", lbl("k8s-app", "kube-dns"))
	hostPod := pod("srv", "host", "n1", "172.18.0.2", lbl("app", "server", "role", "client"))
	hostPod.Spec.HostNetwork = true
	done := pod("srv", "done", "n2", "10.244.2.99", lbl("role", "client"))
	done.Status.Phase = corev1.PodSucceeded
	pods := []*corev1.Pod{server, client, remote, plain, other, coredns, kubeProxy, hostPod, done}
	nss := []*corev1.Namespace{ns("srv"), ns("a", "team", "a"), ns("b", "team", "b"), ns("kube-system")}
	toServer := func(rules ...netv1.NetworkPolicyIngressRule) *netv1.NetworkPolicy {
		return policy("srv", "to-server", sel("app", "server"), []netv1.PolicyType{netv1.PolicyTypeIngress}, rules, nil)
	}
	fromClient := func(rules ...netv1.NetworkPolicyEgressRule) *netv1.NetworkPolicy {
		return policy("srv", "from-client", sel("role", "client"), []netv1.PolicyType{netv1.PolicyTypeEgress}, nil, rules)
	}

	cases := []struct {
		name     string
		policies []*netv1.NetworkPolicy
		probes   []probe
		warning  string
	}{
		{name: "no policy allows everything", probes: []probe{
			{from: "a/remote", to: "srv/server", port: 80, allowed: true},
			{from: "srv/client", to: "192.0.2.1", port: 443, allowed: true},
		}},
		{name: "default deny ingress", policies: []*netv1.NetworkPolicy{
			policy("srv", "deny", sel(), []netv1.PolicyType{netv1.PolicyTypeIngress}, nil, nil),
		}, probes: []probe{
			{from: "a/remote", to: "srv/server", port: 8080},
			{from: "srv/client", to: "srv/server", port: 8080},
			{from: "srv/server", to: "a/remote", port: 9090, allowed: true}, // egress untouched
		}},
		{name: "default deny egress", policies: []*netv1.NetworkPolicy{
			policy("srv", "deny", sel(), []netv1.PolicyType{netv1.PolicyTypeEgress}, nil, nil),
		}, probes: []probe{
			{from: "srv/client", to: "a/remote", port: 9090},
			{from: "srv/client", to: "kube-system/coredns", proto: "udp", port: 53},
			{from: "a/remote", to: "srv/server", port: 8080, allowed: true}, // ingress untouched
		}},
		{name: "named port with ipBlock peer, ingress: resolved against the protected pod", policies: []*netv1.NetworkPolicy{
			toServer(ingressRule(peers(block("10.0.0.0/8")), port(tcp, "http"))),
		}, probes: []probe{
			{from: "a/remote", to: "srv/server", port: 8080, allowed: true},
			{from: "10.9.9.9", to: "srv/server", port: 8080, allowed: true},
			{from: "a/remote", to: "srv/server", port: 9090}, // remote's own "http"
			{from: "192.168.1.1", to: "srv/server", port: 8080},
		}},
		{name: "named port with no peer, ingress", policies: []*netv1.NetworkPolicy{
			toServer(ingressRule(nil, port(tcp, "http"))),
		}, probes: []probe{
			{from: "192.168.1.1", to: "srv/server", port: 8080, allowed: true},
			{from: "a/remote", to: "srv/server", port: 53},
		}},
		{name: "named port with ipBlock peer, egress: every pod in the block with that port", policies: []*netv1.NetworkPolicy{
			fromClient(egressRule(peers(block("10.244.0.0/16", "10.244.3.0/24")), port(tcp, "http"))),
		}, probes: []probe{
			{from: "srv/client", to: "a/remote", port: 9090, allowed: true},
			{from: "srv/client", to: "srv/server", port: 8080, allowed: true},
			{from: "srv/client", to: "a/remote", port: 8080},
			{from: "srv/client", to: "a/plain", port: 8080},    // its port is "web"
			{from: "srv/client", to: "10.244.9.9", port: 8080}, // no pod, no named port
		}},
		{name: "named port with no peer, egress", policies: []*netv1.NetworkPolicy{
			fromClient(egressRule(nil, port(tcp, "http"))),
		}, probes: []probe{
			{from: "srv/client", to: "a/remote", port: 9090, allowed: true},
			{from: "srv/client", to: "srv/server", port: 8080, allowed: true},
			{from: "srv/client", to: "192.0.2.1", port: 8080},
		}},
		{name: "named port needs the same protocol", policies: []*netv1.NetworkPolicy{
			toServer(ingressRule(nil, port(udp, "dns"))), // server's "dns" is TCP
		}, probes: []probe{
			{from: "a/remote", to: "srv/server", port: 53},
			{from: "a/remote", to: "srv/server", proto: "udp", port: 53},
		}},
		{name: "named port of a pod peer, egress: resolved against the peer", policies: []*netv1.NetworkPolicy{
			fromClient(egressRule(peers(nsPods(sel(), sel("role", "client"))), port(tcp, "http"))),
		}, probes: []probe{
			{from: "srv/client", to: "a/remote", port: 9090, allowed: true},
			{from: "srv/client", to: "a/remote", port: 8080},
		}},
		{name: "ipBlock except, and an overlapping peer still allows", policies: []*netv1.NetworkPolicy{
			toServer(ingressRule(peers(block("10.244.0.0/16", "10.244.2.0/24")), port(tcp, 8080))),
			policy("srv", "overlap", sel("app", "server"), nil, []netv1.NetworkPolicyIngressRule{
				ingressRule(peers(block("10.244.2.20/32")), port(tcp, 8080))}, nil),
		}, probes: []probe{
			{from: "b/other", to: "srv/server", port: 8080, allowed: true},
			{from: "a/remote", to: "srv/server", port: 8080, allowed: true}, // excepted, but overlap allows
			{from: "a/plain", to: "srv/server", port: 8080},                 // excepted
			{from: "b/other", to: "srv/server", port: 8081},
		}},
		{name: "ipBlock except, egress", policies: []*netv1.NetworkPolicy{
			fromClient(egressRule(peers(block("0.0.0.0/0", "10.244.2.0/24")))),
		}, probes: []probe{
			{from: "srv/client", to: "192.0.2.1", port: 443, allowed: true},
			{from: "srv/client", to: "b/other", port: 1, allowed: true},
			{from: "srv/client", to: "a/remote", port: 9090},
		}},
		{name: "endPort range", policies: []*netv1.NetworkPolicy{
			toServer(ingressRule(nil, portRange(tcp, 8000, 8010))),
		}, probes: []probe{
			{from: "a/remote", to: "srv/server", port: 8000, allowed: true},
			{from: "a/remote", to: "srv/server", port: 8010, allowed: true},
			{from: "a/remote", to: "srv/server", port: 8011},
			{from: "a/remote", to: "srv/server", proto: "udp", port: 8005},
		}},
		{name: "protocol without port", policies: []*netv1.NetworkPolicy{
			toServer(ingressRule(nil, netv1.NetworkPolicyPort{Protocol: &udp})),
		}, probes: []probe{
			{from: "a/remote", to: "srv/server", proto: "udp", port: 1234, allowed: true},
			{from: "a/remote", to: "srv/server", port: 1234},
		}},
		{name: "namespaceSelector and podSelector in one peer: AND", policies: []*netv1.NetworkPolicy{
			toServer(ingressRule(peers(nsPods(sel("team", "a"), sel("role", "client"))))),
		}, probes: []probe{
			{from: "a/remote", to: "srv/server", port: 8080, allowed: true},
			{from: "a/plain", to: "srv/server", port: 8080},  // team a, not role=client
			{from: "b/other", to: "srv/server", port: 8080},  // role=client, team b
			{from: "srv/client", to: "srv/server", port: 80}, // role=client, own namespace
		}},
		{name: "namespaceSelector and podSelector in two peers: OR", policies: []*netv1.NetworkPolicy{
			toServer(ingressRule(peers(nsPods(sel("team", "a"), nil), nsPods(nil, sel("role", "client"))))),
		}, probes: []probe{
			{from: "a/remote", to: "srv/server", port: 8080, allowed: true},
			{from: "a/plain", to: "srv/server", port: 8080, allowed: true},
			{from: "srv/client", to: "srv/server", port: 80, allowed: true}, // podSelector: own namespace
			{from: "b/other", to: "srv/server", port: 8080},                 // role=client, other namespace
		}},
		{name: "empty namespaceSelector is every namespace, empty podSelector the own namespace", policies: []*netv1.NetworkPolicy{
			toServer(ingressRule(peers(nsPods(sel(), nil)))),
			fromClient(egressRule(peers(nsPods(nil, sel())))),
		}, probes: []probe{
			{from: "b/other", to: "srv/server", port: 1, allowed: true},
			{from: "192.168.1.1", to: "srv/server", port: 1}, // pods only, not everything
			{from: "srv/client", to: "srv/server", port: 1, allowed: true},
			{from: "srv/client", to: "a/remote", port: 9090},
		}},
		{name: "absent from is every source", policies: []*netv1.NetworkPolicy{
			toServer(netv1.NetworkPolicyIngressRule{}),
		}, probes: []probe{
			{from: "192.168.1.1", to: "srv/server", port: 1, allowed: true},
		}},
		{name: "policyTypes default: Egress only with egress rules", policies: []*netv1.NetworkPolicy{
			policy("srv", "in-only", sel("app", "server"), nil, nil, nil),
			policy("srv", "with-egress", sel("role", "client"), nil, nil, []netv1.NetworkPolicyEgressRule{
				egressRule(peers(nsPods(nil, sel("app", "server"))))}),
		}, probes: []probe{
			{from: "a/remote", to: "srv/server", port: 8080}, // Ingress by default, no rules
			{from: "srv/server", to: "a/remote", port: 1, allowed: true},
			{from: "srv/client", to: "a/remote", port: 9090},                   // Egress from its egress rules
			{from: "a/remote", to: "srv/client", port: 1},                      // and Ingress by default
			{from: "srv/client", to: "srv/server", port: 8080, allowed: false}, // server ingress-isolated
		}},
		{name: "explicit policyTypes Egress ignores ingress rules", policies: []*netv1.NetworkPolicy{
			policy("srv", "eg", sel("app", "server"), []netv1.PolicyType{netv1.PolicyTypeEgress},
				[]netv1.NetworkPolicyIngressRule{ingressRule(peers(block("1.2.3.4/32")))}, nil),
		}, probes: []probe{
			{from: "a/remote", to: "srv/server", port: 8080, allowed: true},
			{from: "srv/server", to: "a/remote", port: 1},
		}},
		{name: "egress to DNS by namespaceSelector", policies: []*netv1.NetworkPolicy{
			fromClient(egressRule(peers(nsPods(sel("kubernetes.io/metadata.name", "kube-system"), sel("k8s-app", "kube-dns"))),
				port(udp, 53), port(tcp, 53))),
		}, probes: []probe{
			{from: "srv/client", to: "kube-system/coredns", proto: "udp", port: 53, allowed: true},
			{from: "srv/client", to: "kube-system/coredns", port: 53, allowed: true},
			{from: "srv/client", to: "kube-system/coredns", port: 80},
			{from: "srv/client", to: "a/remote", proto: "udp", port: 53},
		}},
		{name: "a pod selected by two policies gets their union", policies: []*netv1.NetworkPolicy{
			toServer(ingressRule(peers(nsPods(sel(), sel("role", "client"))), port(tcp, 8080))),
			policy("srv", "second", sel(), nil, []netv1.NetworkPolicyIngressRule{
				ingressRule(peers(nsPods(sel("team", "a"), nil)), port(tcp, "dns"))}, nil),
		}, probes: []probe{
			{from: "b/other", to: "srv/server", port: 8080, allowed: true},
			{from: "a/plain", to: "srv/server", port: 53, allowed: true},
			{from: "a/plain", to: "srv/server", port: 8080},
			{from: "b/other", to: "srv/server", port: 53},
		}},
		{name: "hostNetwork pods are never selected", policies: []*netv1.NetworkPolicy{
			policy("srv", "deny", sel(), []netv1.PolicyType{netv1.PolicyTypeIngress, netv1.PolicyTypeEgress}, nil, nil),
			fromClient(egressRule(peers(nsPods(nil, sel("app", "server"))))),
			toServer(ingressRule(peers(nsPods(nil, sel("role", "client"))))),
		}, probes: []probe{
			{from: "srv/host", to: "a/remote", port: 9090, allowed: true}, // not protected
			{from: "a/remote", to: "srv/host", port: 22, allowed: true},
			{from: "srv/client", to: "srv/host", port: 80}, // not a peer
			{from: "srv/host", to: "srv/server", port: 80},
			{from: "srv/client", to: "srv/server", port: 80, allowed: true},
		}},
		{name: "finished pods are no peers", policies: []*netv1.NetworkPolicy{
			toServer(ingressRule(peers(nsPods(nil, sel("role", "client"))))),
		}, probes: []probe{
			{from: "10.244.2.99", to: "srv/server", port: 80},
		}},
		{name: "pods on other nodes are protected there, not here", policies: []*netv1.NetworkPolicy{
			policy("a", "deny", sel(), nil, nil, nil),
		}, probes: []probe{
			{from: "srv/client", to: "a/remote", port: 9090, allowed: true},
		}},
		{name: "SCTP ports are skipped, never widened", policies: []*netv1.NetworkPolicy{
			toServer(ingressRule(nil, port(sctp, 80))),
			policy("srv", "mixed", sel("app", "server"), nil, []netv1.NetworkPolicyIngressRule{
				ingressRule(nil, port(sctp, 81), port(tcp, 81))}, nil),
		}, warning: "srv/to-server: SCTP ports are not enforced", probes: []probe{
			{from: "a/remote", to: "srv/server", port: 80},
			{from: "a/remote", to: "srv/server", port: 81, allowed: true},
		}},
		{name: "IPv6 ipBlocks match nothing", policies: []*netv1.NetworkPolicy{
			toServer(ingressRule(peers(block("::/0")))),
		}, probes: []probe{
			{from: "a/remote", to: "srv/server", port: 80},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			chains, warnings := npRules(world{node: "n1", pods: pods, namespaces: nss, policies: tc.policies})
			if tc.warning != "" && !slices.ContainsFunc(warnings, func(w string) bool { return strings.Contains(w, tc.warning) }) {
				t.Errorf("warnings %q lack %q", warnings, tc.warning)
			}
			for _, p := range tc.probes {
				src, dst := ipOf(pods, p.from), ipOf(pods, p.to)
				proto := p.proto
				if proto == "" {
					proto = "tcp"
				}
				if got := verdict(t, chains, src, dst, proto, p.port); got != p.allowed {
					t.Errorf("%s -> %s %s/%d: allowed=%v, want %v\n%s", p.from, p.to, proto, p.port, got, p.allowed, dump(chains))
				}
			}
		})
	}
}

// The exact text of a few rules: what iptables-restore gets.
func TestRuleText(t *testing.T) {
	server := pod("srv", "server", "n1", "10.244.1.10", lbl("app", "server"), cport("http", corev1.ProtocolTCP, 8080))
	pol := policy("srv", "p", sel(), nil, []netv1.NetworkPolicyIngressRule{
		ingressRule(peers(block("10.0.0.0/8", "10.1.0.0/16")), port(corev1.ProtocolTCP, "http")),
	}, nil)
	chains, _ := npRules(world{node: "n1", pods: []*corev1.Pod{server}, policies: []*netv1.NetworkPolicy{pol}})
	if len(chains) != 4 {
		t.Fatalf("want KINDNET-NP, -EG, -IN and one except chain, got\n%s", dump(chains))
	}
	sub := chains[3].name
	want := []chain{
		{npChain, []string{"-j MARK --set-xmark 0x0/0x300000", "-m conntrack --ctstate ESTABLISHED,RELATED -j RETURN", "-j KINDNET-NP-EG", "-j KINDNET-NP-IN"}},
		{egChain, nil},
		{inChain, []string{
			`-d 10.244.1.10/32 -s 10.0.0.0/8 -p tcp -m tcp --dport 8080 -m comment --comment "srv/p" -j ` + sub,
			`-d 10.244.1.10/32 -m mark ! --mark 0x200000/0x200000 -m comment --comment "ingress-isolated srv/server" -j DROP`,
		}},
		{sub, []string{"-s 10.1.0.0/16 -j RETURN", "-j MARK --set-xmark 0x200000/0x200000"}},
	}
	if !strings.HasPrefix(sub, "KINDNET-NP-X") || len(sub) > 28 {
		t.Errorf("except chain name %q", sub)
	}
	if dump(chains) != dump(want) {
		t.Errorf("got\n%s\nwant\n%s", dump(chains), dump(want))
	}
	again, _ := npRules(world{node: "n1", pods: []*corev1.Pod{server}, policies: []*netv1.NetworkPolicy{pol}})
	if dump(again) != dump(chains) {
		t.Error("rules are not deterministic")
	}
}

// verdict runs the first packet of a connection through KINDNET-NP.
func verdict(t *testing.T, chains []chain, src, dst, proto string, port int) bool {
	byName := map[string][]string{}
	for _, c := range chains {
		byName[c.name] = c.rules
	}
	mark := uint64(0)
	var walk func(name string, depth int) (dropped bool)
	walk = func(name string, depth int) bool {
		if depth > 5 {
			t.Fatalf("chain loop at %s", name)
		}
		for _, r := range byName[name] {
			tok := tokens(r)
			match, neg := true, false
			i := 0
			for ; i < len(tok) && tok[i] != "-j"; i++ {
				ok := true
				switch tok[i] {
				case "!":
					neg = true
					continue
				case "-s", "-d":
					addr := map[string]string{"-s": src, "-d": dst}[tok[i]]
					i++
					ok = prefix(t, tok[i]).Contains(netip.MustParseAddr(addr))
				case "-p":
					i++
					ok = tok[i] == proto
				case "--dport":
					i++
					lo, hi, _ := strings.Cut(tok[i], ":")
					if hi == "" {
						hi = lo
					}
					ok = atoi(t, lo) <= port && port <= atoi(t, hi)
				case "--mark":
					i++
					v, m, _ := strings.Cut(tok[i], "/")
					ok = mark&hex(t, m) == hex(t, v)
				case "--ctstate":
					i++
					ok = false // a new connection
				case "-m", "--comment":
					i++
					continue
				default:
					t.Fatalf("evaluator does not know %q in %q", tok[i], r)
				}
				if ok == neg {
					match = false
				}
				neg = false
			}
			if !match {
				continue
			}
			switch target := tok[i+1]; target {
			case "MARK":
				v, m, _ := strings.Cut(tok[i+3], "/")
				mark = mark&^hex(t, m) ^ hex(t, v)
			case "RETURN":
				return false
			case "DROP":
				return true
			default:
				if walk(target, depth+1) {
					return true
				}
			}
		}
		return false
	}
	return !walk(npChain, 0)
}

func tokens(s string) []string {
	var out []string
	for i, part := range strings.Split(s, `"`) {
		if i%2 == 1 {
			out = append(out, part)
		} else {
			out = append(out, strings.Fields(part)...)
		}
	}
	return out
}

func prefix(t *testing.T, s string) netip.Prefix {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func atoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func hex(t *testing.T, s string) uint64 {
	n, err := strconv.ParseUint(strings.TrimPrefix(s, "0x"), 16, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func dump(chains []chain) string {
	var b strings.Builder
	for _, c := range chains {
		b.WriteString(c.name + ":\n")
		for _, r := range c.rules {
			b.WriteString("  " + r + "\n")
		}
	}
	return b.String()
}

func ipOf(pods []*corev1.Pod, s string) string {
	for _, p := range pods {
		if key(p) == s {
			return p.Status.PodIP
		}
	}
	if !strings.Contains(s, "/") {
		return s
	}
	panic("no pod " + s)
}

// builders

func lbl(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func sel(kv ...string) *metav1.LabelSelector { return &metav1.LabelSelector{MatchLabels: lbl(kv...)} }

func cport(name string, proto corev1.Protocol, n int32) corev1.ContainerPort {
	return corev1.ContainerPort{Name: name, Protocol: proto, ContainerPort: n}
}

func pod(namespace, name, node, ip string, labels map[string]string, ports ...corev1.ContainerPort) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name, Labels: labels},
		Spec:       corev1.PodSpec{NodeName: node, Containers: []corev1.Container{{Name: "c", Ports: ports}}},
		Status:     corev1.PodStatus{Phase: corev1.PodRunning, PodIP: ip, PodIPs: []corev1.PodIP{{IP: ip}}},
	}
}

func ns(name string, kv ...string) *corev1.Namespace {
	l := lbl(kv...)
	l["kubernetes.io/metadata.name"] = name
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: l}}
}

func policy(namespace, name string, podSel *metav1.LabelSelector, types []netv1.PolicyType,
	in []netv1.NetworkPolicyIngressRule, eg []netv1.NetworkPolicyEgressRule) *netv1.NetworkPolicy {
	return &netv1.NetworkPolicy{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec:       netv1.NetworkPolicySpec{PodSelector: *podSel, PolicyTypes: types, Ingress: in, Egress: eg},
	}
}

func peers(p ...netv1.NetworkPolicyPeer) []netv1.NetworkPolicyPeer { return p }

func nsPods(nsSel, podSel *metav1.LabelSelector) netv1.NetworkPolicyPeer {
	return netv1.NetworkPolicyPeer{NamespaceSelector: nsSel, PodSelector: podSel}
}

func block(cidr string, except ...string) netv1.NetworkPolicyPeer {
	return netv1.NetworkPolicyPeer{IPBlock: &netv1.IPBlock{CIDR: cidr, Except: except}}
}

func port[P int | string](proto corev1.Protocol, p P) netv1.NetworkPolicyPort {
	var v intstr.IntOrString
	switch x := any(p).(type) {
	case int:
		v = intstr.FromInt32(int32(x))
	case string:
		v = intstr.FromString(x)
	}
	return netv1.NetworkPolicyPort{Protocol: &proto, Port: &v}
}

func portRange(proto corev1.Protocol, from, to int32) netv1.NetworkPolicyPort {
	v := intstr.FromInt32(from)
	return netv1.NetworkPolicyPort{Protocol: &proto, Port: &v, EndPort: ptr.To(to)}
}

func ingressRule(from []netv1.NetworkPolicyPeer, ports ...netv1.NetworkPolicyPort) netv1.NetworkPolicyIngressRule {
	return netv1.NetworkPolicyIngressRule{From: from, Ports: ports}
}

func egressRule(to []netv1.NetworkPolicyPeer, ports ...netv1.NetworkPolicyPort) netv1.NetworkPolicyEgressRule {
	return netv1.NetworkPolicyEgressRule{To: to, Ports: ports}
}
