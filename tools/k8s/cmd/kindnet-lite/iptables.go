package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"slices"
	"strings"
)

// host is the daemon's only way to change the node, so the logic in front of
// it is tested with a fake.
type host interface {
	save(table string) (string, error) // iptables-save -t table
	restore(input string) error        // iptables-restore --noflush, one transaction
	replaceRoute(cidr, via string) error
}

type execHost struct{}

func (execHost) save(table string) (string, error) {
	var stderr bytes.Buffer
	cmd := exec.Command("iptables-save", "-t", table)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("iptables-save -t %s: %w: %s", table, err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

func (execHost) restore(input string) error {
	cmd := exec.Command("iptables-restore", "-w", "5", "--noflush")
	cmd.Stdin = strings.NewReader(input)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("iptables-restore: %w: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

func (execHost) replaceRoute(cidr, via string) error {
	if out, err := exec.Command("ip", "route", "replace", cidr, "via", via).CombinedOutput(); err != nil {
		return fmt.Errorf("ip route replace %s via %s: %w: %s", cidr, via, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// ourPrefix marks what we own: chains with this prefix, and rules in other
// chains that jump to them or carry a comment starting with "kindnet-lite".
const ourPrefix = "KINDNET-"

// table is everything of ours one iptables table should hold.
type table struct {
	name   string
	chains []chain
	jumps  map[string]string // built-in chain -> our chain that must be its first rule
}

// restoreInput returns the iptables-restore --noflush input that turns the
// live table (saved: iptables-save -t t.name) into t: every chain of t
// rewritten whole, each jump first in its built-in chain, and everything else
// of ours removed (chains of older versions such as KINDNET-GUARD, stale
// except sub-chains, duplicate jumps, the old standalone masquerade rule). It
// is one transaction: if any line fails, nothing changes. repair reports
// whether the live structure differed (a chain or jump missing, something
// stale, a chain of ours with a different number of rules), i.e. whether the
// input must be applied even if t is unchanged since it was last written.
func restoreInput(t table, saved string) (input string, repair bool) {
	exists := map[string]bool{}
	count := map[string]int{}     // our chain -> rules it holds
	ours := map[string][]string{} // built-in chain -> our rules in it, in order
	first := map[string]string{}  // built-in chain -> its first rule
	for _, l := range strings.Split(saved, "\n") {
		f := strings.Fields(l)
		if len(f) > 0 && strings.HasPrefix(f[0], ":") {
			exists[f[0][1:]] = true
		}
		if len(f) < 2 || f[0] != "-A" {
			continue
		}
		if strings.HasPrefix(f[1], ourPrefix) {
			count[f[1]]++
			continue
		}
		if _, ok := first[f[1]]; !ok {
			first[f[1]] = l
		}
		if strings.Contains(l, " -j "+ourPrefix) || strings.Contains(l, " -g "+ourPrefix) ||
			strings.Contains(l, `--comment "kindnet-lite`) || strings.Contains(l, "--comment kindnet-lite") {
			ours[f[1]] = append(ours[f[1]], l)
		}
	}
	want := map[string]bool{}
	var b strings.Builder
	fmt.Fprintf(&b, "*%s\n", t.name)
	for _, c := range t.chains {
		want[c.name] = true
		repair = repair || !exists[c.name] || count[c.name] != len(c.rules)
		fmt.Fprintf(&b, ":%s - [0:0]\n", c.name) // declaring a chain flushes it
	}
	var stale []string
	for _, c := range sortedKeys(exists) {
		if strings.HasPrefix(c, ourPrefix) && !want[c] {
			stale = append(stale, c)
			fmt.Fprintf(&b, ":%s - [0:0]\n", c)
		}
	}
	builtins := map[string]bool{}
	for bc := range ours {
		builtins[bc] = true
	}
	for bc := range t.jumps {
		builtins[bc] = true
	}
	for _, bc := range sortedKeys(builtins) {
		jump, wanted := t.jumps[bc]
		good := "-A " + bc + " -j " + jump
		if wanted && slices.Equal(ours[bc], []string{good}) && first[bc] == good {
			continue
		}
		repair = true
		for _, l := range ours[bc] {
			b.WriteString("-D" + strings.TrimPrefix(l, "-A") + "\n")
		}
		if wanted {
			fmt.Fprintf(&b, "-I %s 1 -j %s\n", bc, jump)
		}
	}
	repair = repair || len(stale) > 0
	for _, c := range t.chains {
		for _, r := range c.rules {
			fmt.Fprintf(&b, "-A %s %s\n", c.name, r)
		}
	}
	for _, c := range stale {
		fmt.Fprintf(&b, "-X %s\n", c) // last: nothing refers to it any more
	}
	b.WriteString("COMMIT\n")
	return b.String(), repair
}

// filterTable: the NetworkPolicy chains, KINDNET-NP first in FORWARD. Having
// no other chain here is what removes KINDNET-GUARD and KINDNET-GUARD-OUT of
// older versions: nothing of ours may reject traffic NetworkPolicy allows
// (kube-proxy in nftables mode rejects undefined ClusterIP ports itself, and
// a guard on the host keeps traffic on the machine).
func filterTable(np []chain) table {
	return table{name: "filter", chains: np, jumps: map[string]string{"FORWARD": npChain}}
}
