/**
 * runExample on a fake cluster (test/support/fake-kubectl.ts): the order of
 * its steps, the namespace it will not touch, the sync barrier before the
 * checks, and the retries it counts. Fixture: test/fixtures/examples/good,
 * demo/two-docs (a Service and a Deployment `web`, a pod `client`; an HTTP
 * check that must answer and a TCP check that must be blocked), and
 * test/fixtures/examples/mutations, demo/guarded (its two mutations).
 */
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadExample } from '../../src/lib/examples/load.ts';
import { foreignNamespaceReason, RUN_LABEL } from '../../src/lib/runner/namespace.ts';
import { SYNC_CONFIGMAP } from '../../src/lib/runner/policy-sync.ts';
import { mutationVerdict, orderForMutation, ROUTE_SETTLE_MS, routeSettleMs, runExample, runMutation } from '../../src/lib/runner/run-example.ts';
import { err, FakeCluster, ok } from '../support/fake-kubectl.ts';
import { fakeRunner } from '../support/runner.ts';

const example = loadExample(path.resolve(import.meta.dirname, '..', 'fixtures', 'examples', 'good'), 'demo/two-docs');
const NS = 'two-docs';
const HTTP_OK = ok('web-5d8f-abcde\nHTTP 200\n');
const REFUSED = err('REFUSED\n');

/** A fake cluster whose probes answer as `probe` says, with a kindnet-lite that confirms every request at once. */
function cluster(probe: (args: string[], n: number) => ReturnType<typeof ok>, opts: { kindnetLite?: boolean; nodesAnswer?: boolean } = {}) {
  const c = new FakeCluster();
  let probes = 0;
  c.other = (args) => (args[0] === 'exec' ? probe(args, probes++) : ok());
  return { c, ...fakeRunner(c, opts) };
}

/** The probe that answers each check as it should: HTTP 200 for the first, REFUSED for the blocked one. */
const asExpected = (args: string[]) => (args.includes('curl') ? HTTP_OK : REFUSED);

describe('runExample', () => {
  test('steps in order: claim, dry run, apply, wait, sync barrier, checks, delete', async () => {
    const { c, o } = cluster(asExpected);
    const r = await runExample(example, o);
    expect(r).toMatchObject({ id: 'demo/two-docs', status: 'passed', retries: 0 });
    expect(r.checks.map((x) => [x.name, x.status, x.attempts])).toEqual([
      ['the client reaches web', 'passed', 1],
      ['nothing listens on 9999', 'passed', 1],
    ]);
    expect(c.trace()).toEqual([
      `get namespace ${NS}`,
      'create -f -',
      'apply --dry-run=server --validate=strict',
      'apply --validate=strict -n',
      'rollout status -n',
      `wait -n ${NS}`,
      'get nodes -o',
      'apply --server-side --field-manager=k8s-networking-proven-runner',
      `get configmap ${SYNC_CONFIGMAP}`,
      `exec -n ${NS}`,
      `exec -n ${NS}`,
      `get namespace ${NS}`,
      `delete --raw /api/v1/namespaces/${NS}`,
    ]);
    expect(c.namespaces.get(NS)!.labels[RUN_LABEL]).toBe('run-now');
  });

  test('a namespace of that name without the run label: the example fails, and nothing is sent to it', async () => {
    const { c, o, logged } = cluster(asExpected);
    const theirs = c.addNamespace(NS, { team: 'payments' });
    const r = await runExample(example, o);
    expect(r).toEqual({ id: 'demo/two-docs', contentHash: example.contentHash, status: 'failed', reason: foreignNamespaceReason(NS), durationMs: 0, retries: 0, checks: [], mutations: [] });
    expect(c.trace()).toEqual([`get namespace ${NS}`]);
    expect(c.namespaces.get(NS)).toBe(theirs);
    expect(theirs).toMatchObject({ uid: 'uid-1', terminating: false, labels: { team: 'payments' } });
    expect(logged).toEqual([`  ✗ demo/two-docs: ${foreignNamespaceReason(NS)}`]);
  });

  test('a check that passes on its second attempt counts one retry', async () => {
    const { c, o, logged } = cluster((args, n) => (args.includes('curl') ? (n === 0 ? err("curl: (7) Failed to connect to web port 8080 after 1 ms: Couldn't connect to server", 7) : HTTP_OK) : REFUSED));
    const r = await runExample(example, o);
    expect(r).toMatchObject({ status: 'passed', retries: 1 });
    expect(r.checks.map((x) => x.attempts)).toEqual([2, 1]);
    expect(c.clock.sleeps).toEqual([3000]);
    expect(logged).toContain('  ✓ demo/two-docs: the client reaches web (HTTP 200, 2 attempts, 0.0 s)');
    // what the failed attempt saw is on record, so a retry can be explained
    expect(logged.filter((l) => l.startsWith('    retry: '))).toHaveLength(1);
    expect(logged.find((l) => l.startsWith('    retry: '))).toMatch(/^    retry: demo\/two-docs: the client reaches web: attempt 1 failed \(curl exited 7: .*Couldn't connect to server\)$/);
  });

  test('a blocked check that keeps connecting fails after every attempt; all but the first count as retries', async () => {
    const { o } = cluster((args) => (args.includes('curl') ? HTTP_OK : ok()));
    const r = await runExample(example, o);
    expect(r).toMatchObject({ status: 'failed', retries: 2, reason: '1 check(s) failed: nothing listens on 9999' });
    expect(r.checks.map((x) => [x.status, x.attempts])).toEqual([
      ['passed', 1],
      ['failed', 3],
    ]);
  });

  test('when the nodes do not confirm the policy sync, no check runs and the example fails naming them', async () => {
    const { c, o } = cluster(asExpected, { nodesAnswer: false });
    const r = await runExample(example, o);
    expect(r.status).toBe('failed');
    expect(r.reason).toBe(
      `kindnet-lite did not confirm NetworkPolicy programming within 30 s (request seq 1 in ConfigMap ${NS}/kindnet-lite-sync): ` +
        'no answer from nodes kind-control-plane (never answered), kind-worker (never answered); look at the kindnet pods on those nodes (kubectl -n kube-system logs ds/kindnet)',
    );
    expect(r.checks).toEqual([]);
    expect(c.calls.filter((x) => x.args[0] === 'exec')).toEqual([]);
    expect(r.diagnostics).toContain('### events');
    // Its own namespace is still deleted, with this run's label checked.
    expect(c.namespaces.get(NS)!.terminating).toBe(true);
  });

  test('without kindnet-lite the checks run with no barrier', async () => {
    const { c, o, logged } = cluster(asExpected, { kindnetLite: false });
    expect((await runExample(example, o)).status).toBe('passed');
    expect(c.calls.filter((x) => x.args.includes(SYNC_CONFIGMAP) || x.args[1] === 'nodes')).toEqual([]);
    expect(logged[0]).toMatch(/^the cluster does not run kindnet-lite/);
  });

  test('--keep leaves the namespace', async () => {
    const { c, o } = cluster(asExpected);
    await runExample(example, { ...o, keep: true });
    expect(c.calls.filter((x) => x.args[0] === 'delete')).toEqual([]);
    expect(c.namespaces.get(NS)!.terminating).toBe(false);
  });
});

/**
 * The guarded fixture on a fake cluster that behaves like a real one: the
 * client reaches web only when the applied Service selects the web pods, and
 * the stranger is blocked only when a NetworkPolicy was applied, per namespace.
 */
describe('runMutation', () => {
  const guarded = loadExample(path.resolve(import.meta.dirname, '..', 'fixtures', 'examples', 'mutations'), 'demo/guarded');
  const TIMEOUT = err('TIMEOUT\n');
  function faithful(opts: { policyIgnored?: boolean } = {}) {
    const applied = new Map<string, string>();
    const { c, o, logged } = cluster(() => ok());
    c.other = (args) => {
      const ns = args[args.indexOf('-n') + 1]!;
      if (args[0] === 'apply' && !args.includes('--dry-run=server')) {
        const input = c.calls[c.calls.length - 1]!.input;
        applied.set(ns, input ?? args.filter((a) => a.endsWith('.yaml')).join(' '));
      }
      if (args[0] !== 'exec') return ok();
      const m = applied.get(ns) ?? '';
      if (args.includes('curl')) return m.includes('"app":"yes"') ? err("curl: (7) Failed to connect to web port 8080 after 1 ms: Couldn't connect to server", 7) : HTTP_OK;
      return m.includes('NetworkPolicy') && !opts.policyIgnored ? TIMEOUT : ok();
    };
    return { c, o, logged, applied };
  }

  test('the mutated manifests go to their own namespace on stdin, renamed, and only the named check fails: passed', async () => {
    const { c, o, applied } = faithful();
    const r = await runMutation(guarded, 1, o);
    expect(r).toEqual({
      name: 'with the Service selecting no pod',
      namespace: 'guarded-m2',
      status: 'passed',
      durationMs: 3000,
      retries: 0,
      checks: [
        { name: 'the client reaches web', expected: 'fail', status: 'failed', output: "curl: (7) Failed to connect to web port 8080 after 1 ms: Couldn't connect to server" },
        { name: 'a stranger is blocked', expected: 'pass', status: 'passed', output: 'TIMEOUT' },
      ],
    });
    // the one check it must break got one attempt (no retry), run last, after one settle delay
    expect(c.clock.sleeps).toEqual([3000]);
    const probe = (args: string[]) => args.find((a) => ['curl', '/agnhost', 'networkpolicy'].includes(a));
    expect(c.calls.map((x) => probe(x.args)).filter(Boolean)).toEqual([
      'networkpolicy',
      '/agnhost',
      'curl',
    ]);
    expect(c.namespaces.get('guarded-m2')!.labels[RUN_LABEL]).toBe('run-now');
    expect(c.namespaces.get('guarded-m2')!.terminating).toBe(true);
    expect(c.namespaces.has('guarded')).toBe(false);
    const stream = applied.get('guarded-m2')!;
    expect(stream.split('\n---\n').map((d) => JSON.parse(d).kind)).toEqual(['Service', 'Deployment', 'NetworkPolicy', 'Pod', 'Pod']);
    // the namespaceSelector names the mutation's namespace, not the example's
    expect(stream).toContain('"kubernetes.io/metadata.name":"guarded-m2"');
    expect(stream).not.toMatch(/"guarded"/);
    const curl = c.calls.find((x) => x.args.includes('curl'))!.args;
    expect(curl).toContain('http://web.guarded-m2.svc.cluster.local:8080/hostname');
    expect(c.trace()).toContain('apply --dry-run=server --validate=strict');
    expect(c.calls.filter((x) => x.args[0] === 'apply' && x.args.includes('--validate=strict')).map((x) => x.args.slice(-2))).toEqual([
      ['-f', '-'],
      ['-f', '-'],
    ]);
  });

  test('removing the policy: without a NetworkPolicy in the stream, the stranger connects, as the mutation says', async () => {
    const { c, o, applied, logged } = faithful();
    const r = await runMutation(guarded, 0, o);
    expect(r.status).toBe('passed');
    expect(applied.get('guarded-m1')).not.toContain('NetworkPolicy');
    expect(r.checks.map((x) => [x.name, x.expected, x.status])).toEqual([
      ['the client reaches web', 'pass', 'passed'],
      ['a stranger is blocked', 'fail', 'failed'],
    ]);
    // the observation check reads back the policy this mutation removed: it runs once, fails, and is not judged
    const gets = c.calls.filter((x) => x.args.includes('networkpolicy'));
    expect(gets).toHaveLength(1);
    expect(logged).toContain('  · demo/guarded [without the NetworkPolicy]: the policy is listed: observation, not judged (failed: output lacks "networkpolicy.networking.k8s.io/web")');
  });

  test('a check the mutation should break that still passes fails the mutation, saying which', async () => {
    const { c, o } = faithful();
    c.other = (args) => (args[0] === 'exec' ? (args.includes('curl') ? HTTP_OK : TIMEOUT) : ok());
    const r = await runMutation(guarded, 1, o);
    expect(r.status).toBe('failed');
    expect(r.reason).toBe('check "the client reaches web" still passed with the mutation "with the Service selecting no pod"');
  });

  test('a check that should still pass but fails (after its retries) fails the mutation too', async () => {
    const { c, o } = faithful();
    c.other = (args) => (args[0] === 'exec' ? (args.includes('curl') ? err('curl: (28) timed out', 28) : ok()) : ok());
    const r = await runMutation(guarded, 0, o);
    expect(r.status).toBe('failed');
    expect(r.reason).toBe('check "the client reaches web" failed with the mutation "without the NetworkPolicy" although the mutation should not break it (curl exited 28: curl: (28) timed out)');
    // the check expected to pass had the usual 3 attempts, the one expected to fail just one
    expect(c.calls.filter((x) => x.args.includes('curl'))).toHaveLength(3);
    expect(c.calls.filter((x) => x.args.includes('/agnhost'))).toHaveLength(1);
  });

  test('a foreign namespace of the mutation name is left alone, and the mutation fails', async () => {
    const { c, o } = faithful();
    c.addNamespace('guarded-m1', { team: 'x' });
    const r = await runMutation(guarded, 0, o);
    expect(r).toMatchObject({ status: 'failed', reason: foreignNamespaceReason('guarded-m1'), checks: [] });
    expect(c.trace()).toEqual(['get namespace guarded-m1']);
  });

  test('a mutation whose patch does not apply fails without touching the cluster', async () => {
    const { c, o } = faithful();
    const broken = { ...guarded, spec: { ...guarded.spec, mutations: [{ ...guarded.spec.mutations[1]!, patch: { ...guarded.spec.mutations[1]!.patch!, name: 'api' } }] } };
    const r = await runMutation(broken, 0, o);
    expect(r).toMatchObject({ status: 'failed', reason: 'the mutation does not apply: web.yaml has no Service named api (it holds Service web, Deployment web)' });
    expect(c.calls).toEqual([]);
  });

  test('notReady workloads are not waited for', async () => {
    const { c, o } = faithful();
    const m = { ...guarded.spec.mutations[0]!, notReady: ['deployment/web'] };
    await runMutation({ ...guarded, spec: { ...guarded.spec, mutations: [m] } }, 0, o);
    const waits = c.calls.filter((x) => x.args[0] === 'rollout' || x.args[0] === 'wait').map((x) => x.args.find((a) => a.includes('/')));
    expect(waits).toEqual(['pod/client', 'pod/stranger']);
  });
});

describe('orderForMutation', () => {
  test('observations, then checks that must pass, then those the mutation breaks; stable within each', () => {
    const c = (name: string, observation = false) => ({ name, observation, kubectl: { args: ['get', 'x'], expect: { exitCode: 0, outputContains: [] } } });
    const phase = [c('b1'), c('o1', true), c('p1'), c('b2'), c('p2'), c('o2', true)];
    expect(orderForMutation(phase, ['b1', 'b2']).map((x) => x.name)).toEqual(['o1', 'o2', 'p1', 'p2', 'b1', 'b2']);
  });
});

describe('mutationVerdict', () => {
  const checks = [
    { name: 'a', passed: false, reason: 'refused' },
    { name: 'b', passed: true, reason: 'ok' },
  ];
  test('passes only when exactly the named checks failed', () => {
    expect(mutationVerdict('with m', ['a'], checks)).toBeUndefined();
    expect(mutationVerdict('with m', ['a', 'b'], checks)).toBe('check "b" still passed with m');
    expect(mutationVerdict('with m', ['b'], checks)).toBe('check "a" failed with m although the mutation should not break it (refused); check "b" still passed with m');
  });
});

describe('the route settle', () => {
  test.each([
    ['an Ingress', [{ kind: 'Service' }, { kind: 'Ingress' }], ROUTE_SETTLE_MS],
    ['an HTTPRoute', [{ kind: 'HTTPRoute' }], ROUTE_SETTLE_MS],
    ['no route', [{ kind: 'Service' }, { kind: 'Deployment' }, null], 0],
  ])('%s: %i ms', (_what, docs, ms) => {
    expect(routeSettleMs(docs)).toBe(ms);
  });

  test('a run with a route waits ROUTE_SETTLE_MS after the workloads, before the first check; one without does not', async () => {
    const withRoute = { ...example, files: [...example.files, { ...example.files[0]!, name: 'ingress.yaml', documents: [{ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web' } }] }] };
    const routed = cluster(asExpected);
    let sleptBeforeCheck: number[] = [];
    const probe = routed.c.other;
    routed.c.other = (args) => {
      if (args[0] === 'exec' && !sleptBeforeCheck.length) sleptBeforeCheck = [...routed.c.clock.sleeps];
      return probe(args);
    };
    expect((await runExample(withRoute, routed.o)).status).toBe('passed');
    expect(sleptBeforeCheck).toEqual([ROUTE_SETTLE_MS]);
    const plain = cluster(asExpected);
    await runExample(example, plain.o);
    expect(plain.c.clock.sleeps).toEqual([]);
  });
});
