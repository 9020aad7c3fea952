package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	netv1 "k8s.io/api/networking/v1"
)

// iptables-save of a node that ran the previous version (with its guard
// chains, a numbered except chain and the standalone masquerade rule) plus a
// foreign rule that must survive.
const oldFilter = `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:KINDNET-GUARD - [0:0]
:KINDNET-GUARD-OUT - [0:0]
:KINDNET-NP - [0:0]
:KINDNET-NP-X1 - [0:0]
-A FORWARD -j KINDNET-NP
-A FORWARD -j KINDNET-GUARD
-A FORWARD -m comment --comment "someone else" -j ACCEPT
-A OUTPUT -j KINDNET-GUARD-OUT
-A KINDNET-GUARD -d 10.244.0.0/16 -j RETURN
-A KINDNET-GUARD -m comment --comment "kindnet-lite: nothing leaves the cluster" -j REJECT --reject-with icmp-port-unreachable
-A KINDNET-GUARD-OUT -d 10.96.0.0/16 -m conntrack ! --ctstate DNAT -m comment --comment "kindnet-lite: no such Service port" -j REJECT --reject-with icmp-port-unreachable
-A KINDNET-NP -j RETURN
-A KINDNET-NP-X1 -j RETURN
COMMIT
`

const oldNat = `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KINDNET-SNAT - [0:0]
-A POSTROUTING -j KINDNET-SNAT
-A POSTROUTING -s 10.244.0.0/16 ! -d 10.244.0.0/16 -m addrtype ! --dst-type LOCAL -m comment --comment "kindnet-lite masquerade" -j MASQUERADE
-A KINDNET-SNAT -d 10.244.1.0/24 -j RETURN
COMMIT
`

func TestRestoreInput(t *testing.T) {
	np := filterTable([]chain{{npChain, []string{"-j " + egChain}}, {egChain, nil}})
	nat, err := natTable("10.244.0.0/16", "10.244.1.0/24")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name      string
		t         table
		saved     string
		want      []string // lines in this order
		forbidden []string
		repair    bool
	}{
		{name: "fresh node", t: np, saved: "*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -j ACCEPT\nCOMMIT\n", repair: true, want: []string{
			"*filter", ":KINDNET-NP - [0:0]", ":KINDNET-NP-EG - [0:0]", "-I FORWARD 1 -j KINDNET-NP", "-A KINDNET-NP -j KINDNET-NP-EG", "COMMIT",
		}, forbidden: []string{"-D ", "-X "}},
		{name: "previous version: guard chains, old except chain and duplicate jumps go", t: np, saved: oldFilter, repair: true, want: []string{
			":KINDNET-NP - [0:0]", ":KINDNET-GUARD - [0:0]", ":KINDNET-GUARD-OUT - [0:0]", ":KINDNET-NP-X1 - [0:0]",
			"-D FORWARD -j KINDNET-NP", "-D FORWARD -j KINDNET-GUARD", "-I FORWARD 1 -j KINDNET-NP",
			"-D OUTPUT -j KINDNET-GUARD-OUT",
			"-A KINDNET-NP -j KINDNET-NP-EG",
			"-X KINDNET-GUARD", "-X KINDNET-GUARD-OUT", "-X KINDNET-NP-X1", "COMMIT",
		}, forbidden: []string{"someone else", "-I OUTPUT"}},
		{name: "already in place", t: np, repair: false, saved: "*filter\n:FORWARD ACCEPT [0:0]\n:KINDNET-NP - [0:0]\n:KINDNET-NP-EG - [0:0]\n" +
			"-A FORWARD -j KINDNET-NP\n-A FORWARD -j ACCEPT\n-A KINDNET-NP -j KINDNET-NP-EG\nCOMMIT\n"},
		{name: "someone flushed our chain", t: np, repair: true, saved: "*filter\n:FORWARD ACCEPT [0:0]\n:KINDNET-NP - [0:0]\n:KINDNET-NP-EG - [0:0]\n" +
			"-A FORWARD -j KINDNET-NP\nCOMMIT\n"},
		{name: "our jump is no longer first", t: np, repair: true, saved: "*filter\n:FORWARD ACCEPT [0:0]\n:KINDNET-NP - [0:0]\n:KINDNET-NP-EG - [0:0]\n" +
			"-A FORWARD -j ACCEPT\n-A FORWARD -j KINDNET-NP\n-A KINDNET-NP -j KINDNET-NP-EG\nCOMMIT\n",
			want: []string{"-D FORWARD -j KINDNET-NP", "-I FORWARD 1 -j KINDNET-NP"}},
		{name: "nat: the old standalone masquerade moves into KINDNET-SNAT", t: nat, saved: oldNat, repair: true, want: []string{
			"*nat", ":KINDNET-SNAT - [0:0]",
			`-D POSTROUTING -s 10.244.0.0/16 ! -d 10.244.0.0/16 -m addrtype ! --dst-type LOCAL -m comment --comment "kindnet-lite masquerade" -j MASQUERADE`,
			"-A KINDNET-SNAT -d 10.244.1.0/24 -j RETURN",
			`-A KINDNET-SNAT ! -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment "kindnet-lite node-to-remote-pod" -j SNAT --to-source 10.244.1.1`,
			`-A KINDNET-SNAT -s 10.244.0.0/16 ! -d 10.244.0.0/16 -m addrtype ! --dst-type LOCAL -m comment --comment "kindnet-lite masquerade" -j MASQUERADE`,
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in, repair := restoreInput(tc.t, tc.saved)
			if repair != tc.repair {
				t.Errorf("repair = %v, want %v", repair, tc.repair)
			}
			lines := strings.Split(in, "\n")
			at := 0
			for _, w := range tc.want {
				i := indexFrom(lines, at, w)
				if i < 0 {
					t.Fatalf("missing or out of order: %q\n%s", w, in)
				}
				at = i + 1
			}
			for _, f := range tc.forbidden {
				if strings.Contains(in, f) {
					t.Errorf("input has %q:\n%s", f, in)
				}
			}
		})
	}
}

func indexFrom(lines []string, from int, s string) int {
	for i := from; i < len(lines); i++ {
		if lines[i] == s {
			return i
		}
	}
	return -1
}

// TestIptablesInNetns feeds real iptables-restore in a private network
// namespace. Skipped unless KINDNET_LITE_NETNS_TEST=1; run it as root in a
// fresh namespace, never on a live node:
//
//	go test -c -o /tmp/kl.test ./cmd/kindnet-lite && KINDNET_LITE_NETNS_TEST=1 unshare -n /tmp/kl.test -test.run Netns -test.v
func TestIptablesInNetns(t *testing.T) {
	if os.Getenv("KINDNET_LITE_NETNS_TEST") != "1" {
		t.Skip("set KINDNET_LITE_NETNS_TEST=1 and run under unshare -n")
	}
	if out, err := exec.Command("ip", "-o", "link").Output(); err != nil || strings.Count(string(out), "\n") != 1 {
		t.Fatalf("not a fresh network namespace (only lo expected): %v\n%s", err, out)
	}
	h := execHost{}
	for _, old := range []string{oldFilter, oldNat} {
		if err := h.restore(old); err != nil {
			t.Fatal(err)
		}
	}
	// a policy that uses every kind of match we emit
	server := pod("srv", "server", "n1", "10.244.1.10", lbl("app", "server"), cport("http", corev1.ProtocolTCP, 8080))
	pol := policy("srv", "p", sel(), []netv1.PolicyType{netv1.PolicyTypeIngress, netv1.PolicyTypeEgress},
		[]netv1.NetworkPolicyIngressRule{ingressRule(peers(block("10.0.0.0/8", "10.1.0.0/16"), nsPods(sel(), nil)),
			port(corev1.ProtocolTCP, "http"), portRange(corev1.ProtocolUDP, 1000, 2000))},
		[]netv1.NetworkPolicyEgressRule{egressRule(peers(block("10.244.0.0/16")), port(corev1.ProtocolTCP, "http"))})
	np, _ := npRules(world{node: "n1", pods: []*corev1.Pod{server}, policies: []*netv1.NetworkPolicy{pol}})
	nat, err := natTable("10.244.0.0/16", "10.244.1.0/24")
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range []table{filterTable(np), nat} {
		saved, err := h.save(tb.name)
		if err != nil {
			t.Fatal(err)
		}
		in, _ := restoreInput(tb, saved)
		if err := h.restore(in); err != nil {
			t.Fatalf("%v\n%s", err, in)
		}
		saved, err = h.save(tb.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, repair := restoreInput(tb, saved); repair {
			t.Errorf("%s: still needs repair after restore:\n%s", tb.name, saved)
		}
		for _, bad := range []string{"KINDNET-GUARD", "KINDNET-NP-X1 ", "-A POSTROUTING -s"} {
			if strings.Contains(saved, bad) {
				t.Errorf("%s still has %q:\n%s", tb.name, bad, saved)
			}
		}
		if !strings.Contains(saved, "someone else") && tb.name == "filter" {
			t.Errorf("a foreign rule was removed:\n%s", saved)
		}
	}
	// a failing restore changes nothing
	before, _ := h.save("filter")
	broken := filterTable([]chain{{npChain, []string{"-j KINDNET-NOSUCH"}}})
	in, _ := restoreInput(broken, before)
	if err := h.restore(in); err == nil {
		t.Fatal("restore of a jump to a missing chain succeeded")
	}
	if after, _ := h.save("filter"); stripComments(after) != stripComments(before) {
		t.Errorf("failed restore changed the table:\n%s\nwas\n%s", after, before)
	}
}

func stripComments(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
