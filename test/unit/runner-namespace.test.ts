/**
 * The runner's namespace safety, on a fake cluster (test/support/fake-kubectl.ts):
 * it creates only fresh namespaces, deletes only namespaces carrying its run
 * label, and never touches a namespace it did not make.
 */
import { describe, expect, test } from 'vitest';
import { claimNamespace, deleteOwnNamespace, foreignNamespaceReason, namespaceManifest, RUN_LABEL } from '../../src/lib/runner/namespace.ts';
import { err, FakeCluster, type FakeNamespace } from '../support/fake-kubectl.ts';

const NS = 'clusterip-basic';
const manifest = namespaceManifest(NS, 'restricted', 'run-now');
const GET = `get namespace ${NS}`;
const DELETE = `delete --raw /api/v1/namespaces/${NS}`;
const CREATE = 'create -f -';

interface ClaimCase {
  name: string;
  /** The namespace on the cluster before the claim, if any. */
  before?: { labels: Record<string, string>; terminating?: boolean };
  setup?: (c: FakeCluster, ns: FakeNamespace | undefined) => void;
  /** The claim's outcome. */
  outcome: { ok: true } | { ok: false; reason: string };
  /** The kubectl calls made, in order. */
  trace: string[];
  /** The namespace afterwards: `fresh` (made by this claim), `untouched` (the one from before), or absent. */
  after: 'fresh' | 'untouched' | 'absent';
}

const cases: ClaimCase[] = [
  { name: 'absent: created, with the run label', outcome: { ok: true }, trace: [GET, CREATE], after: 'fresh' },
  {
    name: 'left by an interrupted run (labelled): deleted, waited for, created again',
    before: { labels: { [RUN_LABEL]: 'run-old' } },
    outcome: { ok: true },
    trace: [GET, GET, DELETE, GET, GET, CREATE],
    after: 'fresh',
  },
  {
    name: 'labelled and already terminating: not deleted again, waited for, created',
    before: { labels: { [RUN_LABEL]: 'run-old' }, terminating: true },
    setup: (_, ns) => (ns!.terminatingGets = 3),
    outcome: { ok: true },
    trace: [GET, GET, GET, GET, CREATE],
    after: 'fresh',
  },
  {
    name: 'not labelled (a reader\'s own namespace): untouched, and the example fails saying how to fix it',
    before: { labels: { team: 'payments' } },
    outcome: { ok: false, reason: foreignNamespaceReason(NS) },
    trace: [GET],
    after: 'untouched',
  },
  {
    name: 'not labelled and terminating: still not the runner\'s to wait for',
    before: { labels: {}, terminating: true },
    setup: (_, ns) => (ns!.terminatingGets = 5),
    outcome: { ok: false, reason: foreignNamespaceReason(NS) },
    trace: [GET],
    after: 'untouched',
  },
  {
    name: 'labelled, but the delete is refused (RBAC): nothing is created',
    before: { labels: { [RUN_LABEL]: 'run-old' } },
    setup: (c) => (c.intercept = (args) => (args[0] === 'delete' ? err('Error from server (Forbidden): namespaces "clusterip-basic" is forbidden: User "reader" cannot delete resource "namespaces"') : undefined)),
    outcome: {
      ok: false,
      reason: 'a namespace "clusterip-basic" left by an earlier run is in the way: could not delete namespace "clusterip-basic": Error from server (Forbidden): namespaces "clusterip-basic" is forbidden: User "reader" cannot delete resource "namespaces"',
    },
    trace: [GET, GET, DELETE],
    after: 'untouched',
  },
  {
    name: 'labelled, but its label is removed between the read and the delete: the precondition stops the delete and it is left alone',
    before: { labels: { [RUN_LABEL]: 'run-old' } },
    setup: (c, ns) =>
      (c.intercept = (args) => {
        if (args[0] === 'delete' && ns!.labels[RUN_LABEL]) {
          ns!.labels = {};
          ns!.resourceVersion = '999';
        }
        return undefined;
      }),
    outcome: { ok: false, reason: `a namespace "clusterip-basic" left by an earlier run is in the way: namespace "clusterip-basic" has no ${RUN_LABEL} label: not deleting it` },
    trace: [GET, GET, DELETE, GET],
    after: 'untouched',
  },
  {
    name: 'labelled, deleted, but stuck terminating: fails after 120 s, nothing created',
    before: { labels: { [RUN_LABEL]: 'run-old' } },
    setup: (c) => (c.terminatingGets = 1_000),
    outcome: {
      ok: false,
      reason: 'a namespace "clusterip-basic" left by an earlier run is in the way: namespace "clusterip-basic" was deleted but is still terminating after 120 s; look at what holds it (kubectl get namespace clusterip-basic -o yaml)',
    },
    trace: [GET, GET, DELETE, ...Array(121).fill(GET)],
    after: 'untouched',
  },
  {
    name: 'the cluster cannot be read: nothing is created',
    setup: (c) => (c.intercept = (args) => (args[0] === 'get' ? err('Unable to connect to the server: dial tcp 127.0.0.1:6443: connect: connection refused') : undefined)),
    outcome: { ok: false, reason: 'kubectl get namespace clusterip-basic failed: Unable to connect to the server: dial tcp 127.0.0.1:6443: connect: connection refused' },
    trace: [GET],
    after: 'absent',
  },
  {
    name: 'absent, but someone creates it first: the create fails and theirs is left alone',
    setup: (c) =>
      (c.intercept = (args) => {
        if (args[0] === 'create') c.addNamespace(NS, { team: 'payments' });
        return undefined;
      }),
    outcome: {
      ok: false,
      reason: 'namespace "clusterip-basic" appeared while the runner was creating it; it was left untouched: Error from server (AlreadyExists): error when creating "STDIN": namespaces "clusterip-basic" already exists',
    },
    trace: [GET, CREATE],
    after: 'untouched',
  },
];

describe('claimNamespace', () => {
  test.each(cases)('$name', async (t) => {
    const c = new FakeCluster();
    const before = t.before ? c.addNamespace(NS, t.before.labels, { terminating: t.before.terminating ?? false, terminatingGets: 0 }) : undefined;
    const snapshot = before && { uid: before.uid, labels: { ...before.labels } };
    t.setup?.(c, before);
    const outcome = await claimNamespace(c, NS, manifest, { clock: c.clock });
    expect(outcome).toEqual(t.outcome);
    expect(c.trace()).toEqual(t.trace);
    const after = c.namespaces.get(NS);
    if (t.after === 'absent') expect(after).toBeUndefined();
    if (t.after === 'fresh') {
      expect(after!.uid).not.toBe(before?.uid);
      expect(after!.labels).toEqual({ [RUN_LABEL]: 'run-now', 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest', 'pod-security.kubernetes.io/warn': 'restricted' });
    }
    if (t.after === 'untouched' && snapshot) {
      // The very object from before (same uid), never sent a delete that went through.
      expect(after!.uid).toBe(snapshot.uid);
    }
    if (t.after === 'untouched' && !t.before) expect(after!.labels).toEqual({ team: 'payments' });
  });

  test('an unlabelled namespace is never sent a delete, whatever its state', async () => {
    for (const terminating of [false, true]) {
      const c = new FakeCluster();
      c.addNamespace(NS, {}, { terminating, terminatingGets: 10 });
      await claimNamespace(c, NS, manifest, { clock: c.clock });
      expect(c.calls.filter((x) => x.args[0] === 'delete' || x.args[0] === 'create' || x.args[0] === 'apply')).toEqual([]);
    }
  });

  test('waits between reads of a terminating namespace, once a second', async () => {
    const c = new FakeCluster();
    c.terminatingGets = 3;
    c.addNamespace(NS, { [RUN_LABEL]: 'run-old' });
    const logged: string[] = [];
    expect(await claimNamespace(c, NS, manifest, { clock: c.clock, log: (l) => logged.push(l) })).toEqual({ ok: true });
    expect(c.clock.sleeps).toEqual([1000, 1000, 1000]);
    expect(logged).toEqual([`  namespace ${NS} was left by run run-old: deleting it first`]);
  });
});

describe('deleteOwnNamespace', () => {
  test('sends the uid and resourceVersion it read as preconditions', async () => {
    const c = new FakeCluster();
    const ns = c.addNamespace(NS, { [RUN_LABEL]: 'run-now' });
    expect(await deleteOwnNamespace(c, NS, { clock: c.clock, wait: false, runId: 'run-now' })).toEqual({ ok: true });
    const del = c.calls.find((x) => x.args[0] === 'delete')!;
    expect(del.args).toEqual(['delete', '--raw', `/api/v1/namespaces/${NS}`, '-f', '-']);
    expect(JSON.parse(del.input!)).toEqual({ kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: ns.uid, resourceVersion: '101' } });
    expect(c.namespaces.get(NS)!.terminating).toBe(true);
  });

  test.each([
    { name: 'absent: nothing to do', labels: undefined, runId: 'run-now', outcome: { ok: true }, trace: [GET] },
    { name: 'unlabelled: refused', labels: {}, runId: undefined, outcome: { ok: false, reason: `namespace "${NS}" has no ${RUN_LABEL} label: not deleting it` }, trace: [GET] },
    {
      name: 'another run\'s, when this run\'s id is required: refused',
      labels: { [RUN_LABEL]: 'run-other' },
      runId: 'run-now',
      outcome: { ok: false, reason: `namespace "${NS}" belongs to run run-other, not to this run (run-now): not deleting it` },
      trace: [GET],
    },
    { name: 'this run\'s: deleted', labels: { [RUN_LABEL]: 'run-now' }, runId: 'run-now', outcome: { ok: true }, trace: [GET, DELETE] },
  ] as { name: string; labels?: Record<string, string>; runId?: string; outcome: unknown; trace: string[] }[])('$name', async (t) => {
    const c = new FakeCluster();
    if (t.labels) c.addNamespace(NS, t.labels);
    expect(await deleteOwnNamespace(c, NS, { clock: c.clock, wait: false, runId: t.runId })).toEqual(t.outcome);
    expect(c.trace()).toEqual(t.trace);
  });

  test('a conflict (the namespace changed meanwhile) is read again, and a still-labelled namespace then deleted', async () => {
    const c = new FakeCluster();
    const ns = c.addNamespace(NS, { [RUN_LABEL]: 'run-now' });
    let first = true;
    c.intercept = (args) => {
      if (args[0] === 'delete' && first) {
        first = false;
        ns.resourceVersion = '555'; // e.g. a controller updated its status
      }
      return undefined;
    };
    expect(await deleteOwnNamespace(c, NS, { clock: c.clock, wait: true })).toEqual({ ok: true });
    expect(c.trace()).toEqual([GET, DELETE, GET, DELETE, GET, GET]);
  });
});
