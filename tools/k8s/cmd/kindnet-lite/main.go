// kindnet-lite: a minimal pod network for the offline kind cluster, standing in
// for kindnetd (whose module the Go proxy does not serve). On each node it
//   - writes /etc/cni/net.d/10-kindnet.conflist (ptp + host-local over the
//     node's spec.podCIDR, portmap),
//   - routes every other node's podCIDR via that node's InternalIP,
//   - source-NATs in chain KINDNET-SNAT: pod traffic leaving the pod network
//     is masqueraded, node traffic to other nodes' pods gets a pod-range
//     source (see natTable for why),
//   - enforces Ingress and Egress NetworkPolicy with the KINDNET-NP* chains in
//     the FORWARD path (see netpol.go),
//   - confirms programming on request (see serveRequest), so a test runner
//     knows when to probe.
//
// It watches Nodes, Pods, Namespaces and NetworkPolicies with informers and
// resyncs 100 ms after a change, and every minute to repair what others
// changed. Each iptables table is rewritten in one iptables-restore
// transaction, so a failed sync leaves the previous rules whole; failures are
// retried with backoff.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	netv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/resourceversion"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	netlisters "k8s.io/client-go/listers/networking/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/retry"
	"k8s.io/client-go/util/workqueue"
)

const (
	cniPath      = "/etc/cni/net.d/10-kindnet.conflist"
	syncName     = "kindnet-lite-sync"
	syncLabel    = "kindnet-lite.kindoffline.local/sync"
	syncedPrefix = "kindnet-lite.kindoffline.local/synced."
	debounce     = 100 * time.Millisecond
	resyncPeriod = time.Minute
	snapshotTTL  = 2 * time.Minute

	// work queue keys; a sync request is keyRequest + namespace/name
	keySync    = "sync"
	keyResync  = "resync"
	keyRequest = "request:"
)

func main() {
	nodeName := os.Getenv("NODE_NAME")
	podSubnet := os.Getenv("POD_SUBNET")
	if nodeName == "" || podSubnet == "" {
		log.Fatal("NODE_NAME and POD_SUBNET must be set")
	}
	cfg, err := rest.InClusterConfig()
	if err != nil {
		log.Fatalf("in-cluster config: %v", err)
	}
	// kind adds CONTROL_PLANE_ENDPOINT ("host:port") so the daemon does not
	// depend on the kubernetes Service (and so on kube-proxy) to start.
	if ep := os.Getenv("CONTROL_PLANE_ENDPOINT"); ep != "" {
		cfg.Host = "https://" + ep
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		log.Fatalf("client: %v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	d, err := newDaemon(cs, execHost{}, nodeName, podSubnet, cniPath)
	if err != nil {
		log.Fatal(err)
	}
	if err := d.run(ctx); err != nil {
		log.Fatal(err)
	}
}

type daemon struct {
	cs        kubernetes.Interface
	host      host
	node      string
	podSubnet string
	cniPath   string

	factories  []informers.SharedInformerFactory
	nodes      corelisters.NodeLister
	pods       corelisters.PodLister
	namespaces corelisters.NamespaceLister
	policies   netlisters.NetworkPolicyLister
	requests   corelisters.ConfigMapLister
	synced     []cache.InformerSynced
	queue      workqueue.TypedRateLimitingInterface[string]

	mu   sync.Mutex
	seen map[string]string // resource -> highest resourceVersion its handler delivered

	// used by the single worker only
	snap    *snapshot
	applied map[string][]chain // table -> chains last written
	routes  map[string]string  // podCIDR -> via
	warned  []string
}

func newDaemon(cs kubernetes.Interface, h host, node, podSubnet, cniPath string) (*daemon, error) {
	d := &daemon{cs: cs, host: h, node: node, podSubnet: podSubnet, cniPath: cniPath,
		seen: map[string]string{}, applied: map[string][]chain{}, routes: map[string]string{},
		queue: workqueue.NewTypedRateLimitingQueue(
			workqueue.NewTypedItemExponentialFailureRateLimiter[string](200*time.Millisecond, 30*time.Second)),
	}
	f := informers.NewSharedInformerFactory(cs, 0)
	// only the sync-request ConfigMaps, in every namespace
	rf := informers.NewSharedInformerFactoryWithOptions(cs, 0, informers.WithTweakListOptions(
		func(o *metav1.ListOptions) { o.LabelSelector = syncLabel + "=request" }))
	d.factories = []informers.SharedInformerFactory{f, rf}
	d.nodes, d.pods = f.Core().V1().Nodes().Lister(), f.Core().V1().Pods().Lister()
	d.namespaces, d.policies = f.Core().V1().Namespaces().Lister(), f.Networking().V1().NetworkPolicies().Lister()
	d.requests = rf.Core().V1().ConfigMaps().Lister()
	on := func(inf cache.SharedIndexInformer, handle func(any)) error {
		reg, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc: handle, UpdateFunc: func(_, o any) { handle(o) }, DeleteFunc: handle})
		if err != nil {
			return err
		}
		d.synced = append(d.synced, reg.HasSynced)
		return nil
	}
	changed := func(resource string) func(any) {
		return func(o any) {
			d.saw(resource, o)
			d.queue.AddAfter(keySync, debounce) // the earliest pending time wins, so bursts coalesce
		}
	}
	err := errors.Join(
		on(f.Core().V1().Nodes().Informer(), changed("nodes")),
		on(f.Core().V1().Pods().Informer(), changed("pods")),
		on(f.Core().V1().Namespaces().Informer(), changed("namespaces")),
		on(f.Networking().V1().NetworkPolicies().Informer(), changed("networkpolicies")),
		on(rf.Core().V1().ConfigMaps().Informer(), func(o any) {
			if cm, ok := o.(*corev1.ConfigMap); ok && cm.Name == syncName {
				d.queue.Add(keyRequest + cm.Namespace + "/" + cm.Name)
			}
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("event handlers: %w", err)
	}
	return d, nil
}

// saw records the highest resourceVersion delivered for a resource; see merge.
func (d *daemon) saw(resource string, o any) {
	if t, ok := o.(cache.DeletedFinalStateUnknown); ok {
		o = t.Obj
	}
	m, ok := o.(metav1.Object)
	if !ok {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if c, ok := rvCompare(m.GetResourceVersion(), d.seen[resource]); ok && c > 0 || d.seen[resource] == "" {
		d.seen[resource] = m.GetResourceVersion()
	}
}

func (d *daemon) run(ctx context.Context) error {
	for _, f := range d.factories {
		f.Start(ctx.Done())
	}
	if !cache.WaitForCacheSync(ctx.Done(), d.synced...) {
		return errors.New("informer caches did not sync")
	}
	log.Printf("kindnet-lite on node %s: caches synced", d.node)
	go func() { <-ctx.Done(); d.queue.ShutDown() }()
	d.queue.Add(keyResync)
	for d.processNext(ctx) {
	}
	return nil
}

func (d *daemon) processNext(ctx context.Context) bool {
	k, quit := d.queue.Get()
	if quit {
		return false
	}
	defer d.queue.Done(k)
	var err error
	switch {
	case k == keySync:
		err = d.sync(false)
	case k == keyResync:
		err = d.sync(true)
	default:
		err = d.serveRequest(ctx, strings.TrimPrefix(k, keyRequest))
	}
	if err != nil {
		log.Printf("%s failed, retrying: %v", k, err)
		d.queue.AddRateLimited(k)
		return true
	}
	d.queue.Forget(k)
	if k == keyResync {
		d.queue.AddAfter(keyResync, resyncPeriod)
	}
	return true
}

// serveRequest answers a sync request (ConfigMap ns/name): it lists
// namespaces, pods and NetworkPolicies with a consistent read (not from the
// informer caches, which may lag behind what the requester just created),
// programs the rules, and only then records the request's seq in annotation
// synced.<node>. A failure returns before the annotation; the request is
// retried.
func (d *daemon) serveRequest(ctx context.Context, nsName string) error {
	ns, name, err := cache.SplitMetaNamespaceKey(nsName)
	if err != nil {
		return fmt.Errorf("bad key %q: %w", nsName, err)
	}
	cm, err := d.requests.ConfigMaps(ns).Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	} else if err != nil {
		return err
	}
	seq, ann := cm.Data["seq"], syncedPrefix+d.node
	if done, ok := cm.Annotations[ann]; ok && done == seq {
		return nil // e.g. the update another node's annotation caused
	}
	snap, err := d.consistentList(ctx)
	if err != nil {
		return fmt.Errorf("seq %q: %w", seq, err)
	}
	d.snap = snap
	if err := d.sync(true); err != nil {
		return fmt.Errorf("seq %q: programming: %w", seq, err)
	}
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": map[string]string{ann: seq}}})
	if err != nil {
		return err
	}
	err = retry.OnError(retry.DefaultBackoff, func(err error) bool { return !apierrors.IsNotFound(err) }, func() error {
		_, err := d.cs.CoreV1().ConfigMaps(ns).Patch(ctx, name, types.MergePatchType, patch,
			metav1.PatchOptions{FieldManager: "kindnet-lite"})
		return err
	})
	if apierrors.IsNotFound(err) {
		return nil // the requester gave up and deleted it
	} else if err != nil {
		return fmt.Errorf("seq %q: annotating: %w", seq, err)
	}
	log.Printf("sync request %s seq %q: programmed and confirmed", nsName, seq)
	return nil
}

// snapshot is the last consistent List. The informers may not have caught up
// with it yet, and a sync from their caches must not undo what a sync
// request programmed; so until it expires each object is taken from
// whichever copy is newer (merge).
type snapshot struct {
	at         time.Time
	pods       listed[*corev1.Pod]
	namespaces listed[*corev1.Namespace]
	policies   listed[*netv1.NetworkPolicy]
}

type listed[T metav1.Object] struct {
	items []T
	rv    string // the List's resourceVersion
}

func (d *daemon) consistentList(ctx context.Context) (*snapshot, error) {
	opts := metav1.ListOptions{ResourceVersion: ""} // "": a quorum read, as new as the API server's storage
	s := &snapshot{at: time.Now()}
	pl, err := d.cs.CoreV1().Pods("").List(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("list pods: %w", err)
	}
	nl, err := d.cs.CoreV1().Namespaces().List(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("list namespaces: %w", err)
	}
	npl, err := d.cs.NetworkingV1().NetworkPolicies("").List(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("list networkpolicies: %w", err)
	}
	s.pods = listed[*corev1.Pod]{ptrs(pl.Items), pl.ResourceVersion}
	s.namespaces = listed[*corev1.Namespace]{ptrs(nl.Items), nl.ResourceVersion}
	s.policies = listed[*netv1.NetworkPolicy]{ptrs(npl.Items), npl.ResourceVersion}
	return s, nil
}

func ptrs[T any](items []T) []*T {
	out := make([]*T, len(items))
	for i := range items {
		out[i] = &items[i]
	}
	return out
}

// merge returns the newer copy of every object of the cache and the list.
// An object only in the list is kept unless the cache's handler already
// delivered that version or a later one (seen), i.e. the cache saw it
// deleted; an object only in the cache is dropped if it is not newer than the
// list, i.e. the list saw it deleted. When versions cannot be compared the
// cache's view wins for objects it has, and list-only objects are kept.
func merge[T metav1.Object](cached []T, l listed[T], seen string) []T {
	byKey := map[string]T{}
	for _, c := range cached {
		byKey[key(c)] = c
	}
	var out []T
	inList := map[string]bool{}
	for _, s := range l.items {
		inList[key(s)] = true
		c, ok := byKey[key(s)]
		switch {
		case ok:
			if n, ok := rvCompare(s.GetResourceVersion(), c.GetResourceVersion()); ok && n > 0 {
				c = s
			}
			out = append(out, c)
		default:
			if n, ok := rvCompare(seen, s.GetResourceVersion()); !ok || n < 0 {
				out = append(out, s)
			}
		}
	}
	for _, c := range cached {
		if n, ok := rvCompare(c.GetResourceVersion(), l.rv); !inList[key(c)] && (!ok || n > 0) {
			out = append(out, c)
		}
	}
	return out
}

func rvCompare(a, b string) (int, bool) {
	n, err := resourceversion.CompareResourceVersion(a, b)
	return n, err == nil
}

// world is the cluster state for the rules: the informer caches, merged with
// the last consistent List while it is recent.
func (d *daemon) world() (world, error) {
	w := world{node: d.node}
	var errs [3]error
	w.pods, errs[0] = d.pods.List(labels.Everything())
	w.namespaces, errs[1] = d.namespaces.List(labels.Everything())
	w.policies, errs[2] = d.policies.List(labels.Everything())
	if err := errors.Join(errs[:]...); err != nil {
		return w, fmt.Errorf("reading caches: %w", err)
	}
	if s := d.snap; s != nil && time.Since(s.at) < snapshotTTL {
		d.mu.Lock()
		seen := maps.Clone(d.seen)
		d.mu.Unlock()
		w.pods = merge(w.pods, s.pods, seen["pods"])
		w.namespaces = merge(w.namespaces, s.namespaces, seen["namespaces"])
		w.policies = merge(w.policies, s.policies, seen["networkpolicies"])
	} else {
		d.snap = nil
	}
	return w, nil
}

// sync programs everything; force rewrites what is unchanged since the last
// sync if the live state differs from it (someone else changed it).
func (d *daemon) sync(force bool) error {
	w, err := d.world()
	if err != nil {
		return err
	}
	np, warnings := npRules(w)
	if !slices.Equal(warnings, d.warned) {
		for _, m := range warnings {
			log.Printf("netpol: %s", m)
		}
		d.warned = warnings
	}
	return errors.Join(d.apply(filterTable(np), force), d.syncNode(force))
}

// apply makes one iptables table hold t, in one transaction.
func (d *daemon) apply(t table, force bool) error {
	same := slices.EqualFunc(d.applied[t.name], t.chains, func(a, b chain) bool {
		return a.name == b.name && slices.Equal(a.rules, b.rules)
	})
	if same && !force {
		return nil
	}
	saved, err := d.host.save(t.name)
	if err != nil {
		return err
	}
	input, repair := restoreInput(t, saved)
	if same && !repair {
		return nil
	}
	if err := d.host.restore(input); err != nil {
		return fmt.Errorf("%s table: %w", t.name, err)
	}
	d.applied[t.name] = t.chains
	n := 0
	for _, c := range t.chains {
		n += len(c.rules)
	}
	log.Printf("%s table: wrote %d chains, %d rules", t.name, len(t.chains), n)
	return nil
}
