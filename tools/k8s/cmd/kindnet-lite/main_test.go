package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	netv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/tools/cache"
)

type fakeHost struct {
	mu       sync.Mutex
	saved    map[string]string // table -> what iptables-save prints
	restores []string
	routes   map[string]string
	fail     error
}

func (h *fakeHost) save(table string) (string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s, ok := h.saved[table]; ok {
		return s, nil
	}
	return "*" + table + "\nCOMMIT\n", nil
}

func (h *fakeHost) restore(input string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fail != nil {
		return h.fail
	}
	h.restores = append(h.restores, input)
	return nil
}

func (h *fakeHost) replaceRoute(cidr, via string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.routes[cidr] = via
	return nil
}

func (h *fakeHost) last(table string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i := len(h.restores) - 1; i >= 0; i-- {
		if strings.HasPrefix(h.restores[i], "*"+table+"\n") {
			return h.restores[i]
		}
	}
	return ""
}

func node(name, cidr, ip string) *corev1.Node {
	return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.NodeSpec{PodCIDR: cidr},
		Status: corev1.NodeStatus{Addresses: []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: ip}}}}
}

func syncRequest(namespace, seq string, annotations map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: syncName,
		Labels: map[string]string{syncLabel: "request"}, Annotations: annotations}, Data: map[string]string{"seq": seq}}
}

// testDaemon returns a daemon for node n1 over a fake API whose informers
// have synced, and a function that stops them (freezing the caches).
func testDaemon(t *testing.T, objs ...runtime.Object) (*daemon, *fake.Clientset, *fakeHost, func()) {
	t.Helper()
	objs = append(objs, node("n1", "10.244.1.0/24", "172.18.0.2"), node("n2", "10.244.2.0/24", "172.18.0.3"),
		ns("ex"), pod("ex", "web", "n1", "10.244.1.10", lbl("app", "web")))
	cs := fake.NewClientset(objs...)
	h := &fakeHost{saved: map[string]string{}, routes: map[string]string{}}
	d, err := newDaemon(cs, h, "n1", "10.244.0.0/16", filepath.Join(t.TempDir(), "10-kindnet.conflist"))
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	for _, f := range d.factories {
		f.Start(stop)
	}
	if !cache.WaitForCacheSync(stop, d.synced...) {
		t.Fatal("caches did not sync")
	}
	var once sync.Once
	stopAll := func() {
		once.Do(func() {
			close(stop)
			for _, f := range d.factories {
				f.Shutdown()
			}
		})
	}
	t.Cleanup(func() { stopAll(); d.queue.ShutDown() })
	return d, cs, h, stopAll
}

func TestSyncProgramsNode(t *testing.T) {
	d, _, h, _ := testDaemon(t)
	h.saved["filter"] = oldFilter
	if err := d.sync(true); err != nil {
		t.Fatal(err)
	}
	if f := h.last("filter"); !strings.Contains(f, "-X KINDNET-GUARD\n") || !strings.Contains(f, "-I FORWARD 1 -j KINDNET-NP\n") {
		t.Errorf("filter input does not remove the guard or add our jump:\n%s", f)
	}
	if n := h.last("nat"); !strings.Contains(n, "--to-source 10.244.1.1") {
		t.Errorf("nat input:\n%s", n)
	}
	if h.routes["10.244.2.0/24"] != "172.18.0.3" || len(h.routes) != 1 {
		t.Errorf("routes %v", h.routes)
	}
	if b, err := os.ReadFile(d.cniPath); err != nil || !strings.Contains(string(b), `"subnet": "10.244.1.0/24"`) {
		t.Errorf("cni config: %v\n%s", err, b)
	}
	n := len(h.restores)
	if err := d.sync(false); err != nil || len(h.restores) != n {
		t.Errorf("an unchanged sync wrote again (%d -> %d restores, err %v)", n, len(h.restores), err)
	}
}

// The whole loop: the first sync, a debounced sync on a change, and a
// request answered through the ConfigMap informer.
func TestRunReactsToEvents(t *testing.T) {
	d, cs, h, _ := testDaemon(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		if err := d.run(ctx); err != nil {
			t.Error(err)
		}
	}()
	eventually(t, "first sync", func() bool { return h.last("nat") != "" })
	p := policy("ex", "new", sel(), nil, []netv1.NetworkPolicyIngressRule{ingressRule(nil, port(corev1.ProtocolTCP, 80))}, nil)
	if _, err := cs.NetworkingV1().NetworkPolicies("ex").Create(ctx, p, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "policy programmed", func() bool { return strings.Contains(h.last("filter"), `"ex/new"`) })
	if _, err := cs.CoreV1().ConfigMaps("ex").Create(ctx, syncRequest("ex", "1", nil), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "request confirmed", func() bool { return annotation(t, cs, "n1") == "1" })
}

func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: timed out", what)
		}
	}
}

func TestSyncRequestUsesAConsistentList(t *testing.T) {
	d, cs, h, stopInformers := testDaemon(t, syncRequest("ex", "7", nil))
	ctx := context.Background()
	// created after the caches froze: only a consistent List can see it
	stopInformers()
	late := policy("ex", "late", sel(), nil, []netv1.NetworkPolicyIngressRule{ingressRule(nil, port(corev1.ProtocolTCP, 80))}, nil)
	if _, err := cs.NetworkingV1().NetworkPolicies("ex").Create(ctx, late, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := d.serveRequest(ctx, "ex/"+syncName); err != nil {
		t.Fatal(err)
	}
	if f := h.last("filter"); !strings.Contains(f, `--comment "ex/late"`) {
		t.Errorf("the late policy is not programmed:\n%s", f)
	}
	if got := annotation(t, cs, "n1"); got != "7" {
		t.Errorf("synced.n1 = %q, want 7", got)
	}
	// and a cache sync right after does not undo it while the caches lag
	if err := d.sync(true); err != nil {
		t.Fatal(err)
	}
	if f := h.last("filter"); !strings.Contains(f, `--comment "ex/late"`) {
		t.Errorf("a sync from the lagging cache dropped the late policy:\n%s", f)
	}
}

func TestSyncRequestNotConfirmedWhenProgrammingFails(t *testing.T) {
	d, cs, h, _ := testDaemon(t, syncRequest("ex", "3", nil))
	h.fail = errors.New("iptables-restore: boom")
	key := keyRequest + "ex/" + syncName
	d.queue.Add(key)
	d.processNext(context.Background())
	if got := annotation(t, cs, "n1"); got != "" {
		t.Fatalf("annotated %q although programming failed", got)
	}
	if d.queue.NumRequeues(key) != 1 {
		t.Errorf("failed request not scheduled for retry")
	}
	h.fail = nil
	if err := d.serveRequest(context.Background(), "ex/"+syncName); err != nil {
		t.Fatal(err)
	}
	if got := annotation(t, cs, "n1"); got != "3" {
		t.Errorf("synced.n1 = %q after the retry, want 3", got)
	}
}

func TestSyncRequestAlreadyConfirmed(t *testing.T) {
	d, cs, h, _ := testDaemon(t, syncRequest("ex", "5", map[string]string{syncedPrefix + "n1": "5", syncedPrefix + "n2": "4"}))
	cs.ClearActions()
	if err := d.serveRequest(context.Background(), "ex/"+syncName); err != nil {
		t.Fatal(err)
	}
	if len(cs.Actions()) != 0 || len(h.restores) != 0 {
		t.Errorf("acted again on a confirmed seq: %v", cs.Actions())
	}
}

func annotation(t *testing.T, cs *fake.Clientset, node string) string {
	t.Helper()
	cm, err := cs.CoreV1().ConfigMaps("ex").Get(context.Background(), syncName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return cm.Annotations[syncedPrefix+node]
}

func TestMerge(t *testing.T) {
	at := func(name, rv, copy string) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name, ResourceVersion: rv, Labels: lbl("copy", copy)}}
	}
	cases := []struct {
		name   string
		cached []*corev1.Pod
		listed []*corev1.Pod
		seen   string
		want   []string // name/copy
	}{
		{name: "cache newer", cached: []*corev1.Pod{at("a", "12", "cache")}, listed: []*corev1.Pod{at("a", "10", "list")}, seen: "12", want: []string{"a/cache"}},
		{name: "list newer", cached: []*corev1.Pod{at("a", "8", "cache")}, listed: []*corev1.Pod{at("a", "10", "list")}, seen: "8", want: []string{"a/list"}},
		{name: "not yet in the cache", listed: []*corev1.Pod{at("a", "10", "list")}, seen: "9", want: []string{"a/list"}},
		{name: "deleted after the list", listed: []*corev1.Pod{at("a", "10", "list")}, seen: "11", want: nil},
		{name: "deleted before the list, cache lags", cached: []*corev1.Pod{at("a", "5", "cache")}, seen: "5", want: nil},
		{name: "created after the list", cached: []*corev1.Pod{at("a", "21", "cache")}, seen: "21", want: []string{"a/cache"}},
		{name: "versions not comparable: cache wins, list-only kept", cached: []*corev1.Pod{at("a", "", "cache")},
			listed: []*corev1.Pod{at("a", "", "list"), at("b", "", "list")}, want: []string{"a/cache", "b/list"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, p := range merge(tc.cached, listed[*corev1.Pod]{tc.listed, "20"}, tc.seen) {
				got = append(got, p.Name+"/"+p.Labels["copy"])
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
