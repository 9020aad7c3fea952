/**
 * The NetworkPolicy sync barrier (src/lib/runner/policy-sync.ts) on a fake
 * cluster with a fake kindnet-lite: the runner's side of the contract.
 */
import { describe, expect, test } from 'vitest';
import {
  isKindnetLite,
  PolicySync,
  SYNC_CONFIGMAP,
  SYNC_REQUEST_LABEL,
  SYNCED_ANNOTATION_PREFIX,
  unconfirmedNodes,
} from '../../src/lib/runner/policy-sync.ts';
import { err, FakeCluster } from '../support/fake-kubectl.ts';

const NS = 'np-default-deny-ingress';
const NODES = ['kind-control-plane', 'kind-worker', 'kind-worker2'];

/** A fake kindnet-lite: each node in `answers` confirms a request once `after` reads of the ConfigMap have passed. */
function withKindnetLite(c: FakeCluster, answers: string[], after = 0): void {
  let pending: string | undefined;
  let readsAtRequest = 0;
  let reads = 0;
  c.onConfigMapWrite = (_ns, name, cm) => {
    if (name !== SYNC_CONFIGMAP || cm.labels[SYNC_REQUEST_LABEL] !== 'request') return;
    pending = cm.data.seq;
    readsAtRequest = reads;
  };
  c.onConfigMapRead = (_ns, _name, cm) => {
    if (pending !== undefined && reads - readsAtRequest >= after) {
      for (const node of answers) cm.annotations[SYNCED_ANNOTATION_PREFIX + node] = pending;
    }
    reads++;
  };
}

function setup(opts: { enabled?: boolean } = {}) {
  const c = new FakeCluster();
  c.nodes = NODES;
  c.addNamespace(NS, { 'k8s-networking-proven.dev/run': 'run-now' });
  const logged: string[] = [];
  const sync = new PolicySync(c, { enabled: opts.enabled ?? true, log: (l) => logged.push(l), clock: c.clock });
  return { c, sync, logged };
}

describe('isKindnetLite', () => {
  test.each([
    { ds: [['kindnet', 'localhost/kindnet-lite:v0.3.0']], want: true },
    { ds: [['kube-proxy', 'registry.k8s.io/kube-proxy:v1.37.2'], ['kindnet', 'localhost/kindnet-lite@sha256:abc']], want: true },
    { ds: [['kindnet', 'docker.io/kindest/kindnetd:v20250512']], want: false },
    { ds: [['kindnet-lite', 'localhost/kindnet-lite:v0.3.0']], want: false },
    { ds: [['calico-node', 'localhost/kindnet-lite:v0.3.0']], want: false },
    { ds: [], want: false },
  ] as { ds: [string, string][]; want: boolean }[])('$ds -> $want', ({ ds, want }) => {
    expect(isKindnetLite(ds)).toBe(want);
  });
});

describe('unconfirmedNodes', () => {
  test('a node counts only with the current seq', () => {
    const a = { [`${SYNCED_ANNOTATION_PREFIX}n1`]: '3', [`${SYNCED_ANNOTATION_PREFIX}n2`]: '2', other: '3' };
    expect(unconfirmedNodes(['n1', 'n2', 'n3'], a, '3')).toEqual([{ node: 'n2', last: '2' }, { node: 'n3', last: undefined }]);
  });
});

describe('PolicySync.barrier', () => {
  test('every node confirms at once: passes after one read, with the request as the contract says', async () => {
    const { c, sync } = setup();
    withKindnetLite(c, NODES);
    expect(await sync.barrier(NS)).toBeUndefined();
    expect(c.trace()).toEqual(['get nodes -o', 'apply --server-side --field-manager=k8s-networking-proven-runner', `get configmap ${SYNC_CONFIGMAP}`]);
    const apply = c.calls[1]!;
    expect(apply.args).toEqual(['apply', '--server-side', '--field-manager=k8s-networking-proven-runner', '-n', NS, '-f', '-']);
    expect(JSON.parse(apply.input!)).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kindnet-lite-sync', namespace: NS, labels: { 'kindnet-lite.kindoffline.local/sync': 'request' } },
      data: { seq: '1' },
    });
    expect(c.clock.sleeps).toEqual([]);
  });

  test('nodes that take a while: polled every 250 ms until all confirm', async () => {
    const { c, sync } = setup();
    withKindnetLite(c, NODES, 4);
    expect(await sync.barrier(NS)).toBeUndefined();
    expect(c.clock.sleeps).toEqual([250, 250, 250, 250]);
  });

  test('each request has a new seq, and an answer to an older one does not count', async () => {
    const { c, sync } = setup();
    withKindnetLite(c, NODES);
    expect(await sync.barrier(NS)).toBeUndefined();
    // The second request: kind-worker2 stops answering; its annotation still says 1.
    withKindnetLite(c, ['kind-control-plane', 'kind-worker']);
    expect(await sync.barrier(NS)).toBe(
      `kindnet-lite did not confirm NetworkPolicy programming within 30 s (request seq 2 in ConfigMap ${NS}/kindnet-lite-sync): ` +
        'no answer from node kind-worker2 (last confirmed seq 1); look at the kindnet pods on those nodes (kubectl -n kube-system logs ds/kindnet)',
    );
    expect(c.namespaces.get(NS)!.configMaps.get(SYNC_CONFIGMAP)!.data).toEqual({ seq: '2' });
  });

  test('nodes that never answer: fails after 30 s, naming them', async () => {
    const { c, sync } = setup();
    withKindnetLite(c, ['kind-control-plane']);
    expect(await sync.barrier(NS)).toBe(
      `kindnet-lite did not confirm NetworkPolicy programming within 30 s (request seq 1 in ConfigMap ${NS}/kindnet-lite-sync): ` +
        'no answer from nodes kind-worker (never answered), kind-worker2 (never answered); look at the kindnet pods on those nodes (kubectl -n kube-system logs ds/kindnet)',
    );
    expect(c.clock.t).toBe(30_000);
    expect(c.clock.sleeps.every((ms) => ms === 250)).toBe(true);
    expect(c.calls.filter((x) => x.args[1] === 'configmap')).toHaveLength(121);
  });

  test('a ConfigMap that cannot be read is retried until the deadline, and the last error is said', async () => {
    const { c, sync } = setup();
    c.intercept = (args) => (args[0] === 'get' && args[1] === 'configmap' ? err('Error from server (Forbidden): configmaps "kindnet-lite-sync" is forbidden') : undefined);
    expect(await sync.barrier(NS)).toBe(
      `kindnet-lite did not confirm NetworkPolicy programming within 30 s (request seq 1 in ConfigMap ${NS}/kindnet-lite-sync): ` +
        'no answer from nodes kind-control-plane (never answered), kind-worker (never answered), kind-worker2 (never answered); ' +
        'last error: Error from server (Forbidden): configmaps "kindnet-lite-sync" is forbidden; look at the kindnet pods on those nodes (kubectl -n kube-system logs ds/kindnet)',
    );
  });

  test('the nodes cannot be listed: fails at once', async () => {
    const { c, sync } = setup();
    c.intercept = (args) => (args[1] === 'nodes' ? err('Error from server (Forbidden): nodes is forbidden') : undefined);
    expect(await sync.barrier(NS)).toBe('NetworkPolicy sync: could not list the nodes: Error from server (Forbidden): nodes is forbidden');
  });

  test('the request cannot be written: fails at once', async () => {
    const { c, sync } = setup();
    c.intercept = (args) => (args[0] === 'apply' ? err('Error from server (Forbidden): configmaps is forbidden') : undefined);
    expect(await sync.barrier(NS)).toBe(`NetworkPolicy sync: could not write ConfigMap ${NS}/kindnet-lite-sync: Error from server (Forbidden): configmaps is forbidden`);
  });

  test('without kindnet-lite: skipped, said once per run, and nothing is sent', async () => {
    const { c, sync, logged } = setup({ enabled: false });
    expect(await sync.barrier(NS)).toBeUndefined();
    expect(await sync.barrier('another')).toBeUndefined();
    expect(c.calls).toEqual([]);
    expect(logged).toEqual(['the cluster does not run kindnet-lite (DaemonSet kube-system/kindnet with an image localhost/kindnet-lite*): no NetworkPolicy sync barrier before checks']);
  });
});
