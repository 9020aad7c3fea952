/**
 * Extra namespaces and the reachability matrix in the runner, on a fake
 * cluster (test/support/fake-kubectl.ts) whose "network" answers each probe
 * as the test says. The example (written to a temporary folder): web and
 * client-a in np-x, client-b in np-x-other (label team=other), and a policy
 * that lets only namespaces labelled team=other reach web. Predicted matrix:
 * client-a -> web blocked, np-x-other/client-b -> web allowed.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { loadExample } from '../../src/lib/examples/load.ts';
import { foreignNamespaceReason, RUN_LABEL } from '../../src/lib/runner/namespace.ts';
import { SYNC_CONFIGMAP } from '../../src/lib/runner/policy-sync.ts';
import { applySteps, runExample, runMutation } from '../../src/lib/runner/run-example.ts';
import { cellMismatch, cellProbeArgs, classifyProbe, locatePod, matrixMismatches } from '../../src/lib/runner/reachability.ts';
import { err, FakeCluster, ok } from '../support/fake-kubectl.ts';
import { fakeRunner } from '../support/runner.ts';

const IMAGE = 'registry.k8s.io/e2e-test-images/agnhost:2.66.1';
const pod = (name: string, labels: Record<string, string>, namespace?: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels, ...(namespace ? { namespace } : {}) },
  spec: { containers: [{ name: 'c', image: IMAGE, ports: [{ containerPort: 8080 }] }] },
});
const policy = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'from-team-other' },
  spec: { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'other' } } }] }] },
};
const BLOCKED_CHECK = 'client-a cannot reach web';

const root = mkdtempSync(path.join(tmpdir(), 'runner-matrix-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(path.join(root, 't', 'np-x'), { recursive: true });
const write = (name: string, value: unknown) => writeFileSync(path.join(root, 't', 'np-x', name), Array.isArray(value) ? value.map((v) => stringify(v)).join('---\n') : stringify(value));
write('own.yaml', [pod('web', { app: 'web' }), pod('client-a', { app: 'a' })]);
write('other.yaml', [pod('client-b', { app: 'b' }, 'np-x-other')]);
write('policy.yaml', policy);
write('example.yaml', {
  title: 'T',
  summary: 'S',
  manifests: ['own.yaml', 'other.yaml', 'policy.yaml'],
  requires: ['networkpolicy'],
  namespaces: [{ name: 'np-x-other', labels: { team: 'other' } }],
  reachability: { clients: ['client-a', 'np-x-other/client-b'], servers: ['web'], ports: [{ port: 8080 }] },
  checks: [{ name: BLOCKED_CHECK, from: 'client-a', tcp: { host: 'web', port: 8080, expect: 'blocked' } }],
  mutations: [
    { name: 'without the policy', remove: 'policy.yaml', breaks: [BLOCKED_CHECK] },
    { name: 'a label nobody has', patch: { file: 'policy.yaml', kind: 'NetworkPolicy', name: 'from-team-other', ops: [{ op: 'replace', path: '/spec/ingress/0/from/0/namespaceSelector/matchLabels/team', value: 'nobody' }] }, breaks: [] },
    { name: 'a change that flips nothing', patch: { file: 'own.yaml', kind: 'Pod', name: 'client-a', ops: [{ op: 'add', path: '/metadata/labels/extra', value: 'x' }] }, breaks: [] },
  ],
});
const example = loadExample(root, 't/np-x');

const WEB_IP = '10.244.1.5';
const TIMEOUT = err('TIMEOUT\n');

/**
 * A fake cluster with a network: `reach(client, attempt)` says how a probe
 * from `<namespace>/<pod>` to web ends on its nth attempt (0-based).
 */
function cluster(reach: (client: string, attempt: number) => ReturnType<typeof ok>) {
  const c = new FakeCluster();
  const attempts = new Map<string, number>();
  c.other = (args) => {
    if (args[0] === 'get' && args[1] === 'pod') return args[4] === 'web' ? ok(WEB_IP) : err(`pods "${args[4]}" not found`);
    if (args[0] === 'exec' && args.includes('/agnhost') && args.includes('--protocol=tcp')) {
      const client = `${args[2]}/${args[3]}`;
      const n = attempts.get(client) ?? 0;
      attempts.set(client, n + 1);
      return args.at(-1) === `${WEB_IP}:8080` ? reach(client, n) : err('OTHER: no route to host\n');
    }
    if (args[0] === 'exec') return TIMEOUT; // the check: client-a -> web by name
    return ok();
  };
  return { c, ...fakeRunner(c) };
}

/** The network the policy makes: only the pod of namespace *-other reaches web. */
const asPolicy = (client: string) => (client.split('/')[0]!.endsWith('-other') ? ok() : TIMEOUT);

describe('the probe', () => {
  test.each([
    ['exit 0', ok(), 'allowed'],
    ['TIMEOUT', err('TIMEOUT\n'), 'blocked'],
    ['UDP TIMEOUT with detail', err('TIMEOUT: read udp 10.244.1.2:4000->10.244.2.3:53: i/o timeout\n'), 'blocked'],
    ['REFUSED', err('REFUSED\n'), 'refused'],
    ['another error', err('OTHER: dial tcp: no route to host\n'), 'error'],
    ['a probe that hung', { ...ok(), timedOut: true }, 'error'],
  ] as const)('%s is %s', (_what, r, measured) => {
    expect(classifyProbe(r)).toBe(measured);
  });

  test('runs agnhost connect in the client pod against the server IP, with the protocol', () => {
    expect(cellProbeArgs({ namespace: 'np-x-m1-other', pod: 'client-b' }, WEB_IP, 53, 'UDP')).toEqual([
      'exec', '-n', 'np-x-m1-other', 'client-b', '--', '/agnhost', 'connect', '--timeout=5s', '--protocol=udp', `${WEB_IP}:53`,
    ]);
  });

  test('a declared pod is located in the run namespace, an extra one through the rename', () => {
    expect(locatePod('web', 'np-x-m2')).toEqual({ namespace: 'np-x-m2', pod: 'web' });
    expect(locatePod('np-x-other/client-b', 'np-x-m2', (ns) => ns.replace('np-x', 'np-x-m2'))).toEqual({ namespace: 'np-x-m2-other', pod: 'client-b' });
  });

  test('a differing cell is named with both verdicts', () => {
    const cell = { client: 'client-a', server: 'web', port: 8080, protocol: 'TCP' as const, predicted: 'allowed' as const, measured: 'blocked' as const, output: '' };
    expect(cellMismatch(cell)).toBe('cell client-a -> web 8080/TCP: predicted allowed, measured blocked');
    expect(matrixMismatches([cell, { ...cell, measured: 'allowed' }])).toEqual(['cell client-a -> web 8080/TCP: predicted allowed, measured blocked']);
  });
});

describe('applySteps', () => {
  test('consecutive files of one namespace share a call; the order stays', () => {
    const files = [{ n: 'a' }, { n: 'b', namespace: 'x' }, { n: 'c', namespace: 'x' }, { n: 'd' }];
    expect(applySteps(files, (f) => f.namespace ?? 'own', (fs) => ({ args: fs.flatMap((f) => ['-f', f.n]) }))).toEqual([
      { namespace: 'own', args: ['-f', 'a'] },
      { namespace: 'x', args: ['-f', 'b', '-f', 'c'] },
      { namespace: 'own', args: ['-f', 'd'] },
    ]);
  });
});

describe('runExample with an extra namespace and a matrix', () => {
  test('claims both namespaces, applies each file into its own, measures the matrix after the checks, deletes both', async () => {
    const { c, o } = cluster(asPolicy);
    const r = await runExample(example, o);
    expect(r).toMatchObject({ status: 'passed', retries: 0 });
    expect(r.reachability).toEqual({
      status: 'passed',
      cells: [
        { client: 'client-a', server: 'web', port: 8080, protocol: 'TCP', predicted: 'blocked', measured: 'blocked', output: 'TIMEOUT' },
        { client: 'np-x-other/client-b', server: 'web', port: 8080, protocol: 'TCP', predicted: 'allowed', measured: 'allowed', output: '' },
      ],
    });
    const dir = example.dir;
    expect(c.calls.map((x) => x.args.join(' '))).toEqual([
      'get namespace np-x -o json --ignore-not-found',
      'create -f -',
      'get namespace np-x-other -o json --ignore-not-found',
      'create -f -',
      `apply --dry-run=server --validate=strict -n np-x -f ${dir}/own.yaml`,
      `apply --dry-run=server --validate=strict -n np-x-other -f ${dir}/other.yaml`,
      `apply --dry-run=server --validate=strict -n np-x -f ${dir}/policy.yaml`,
      `apply --validate=strict -n np-x -f ${dir}/own.yaml`,
      `apply --validate=strict -n np-x-other -f ${dir}/other.yaml`,
      `apply --validate=strict -n np-x -f ${dir}/policy.yaml`,
      'wait -n np-x --for=condition=Ready pod/web --timeout=180s',
      'wait -n np-x --for=condition=Ready pod/client-a --timeout=180s',
      'wait -n np-x-other --for=condition=Ready pod/client-b --timeout=180s',
      'get nodes -o jsonpath={.items[*].metadata.name}',
      'apply --server-side --field-manager=k8s-networking-proven-runner -n np-x -f -',
      `get configmap ${SYNC_CONFIGMAP} -n np-x -o json`,
      'exec -n np-x client-a -- /agnhost connect --timeout=5s web:8080',
      'get pod -n np-x web -o jsonpath={.status.podIP}',
      `exec -n np-x client-a -- /agnhost connect --timeout=5s --protocol=tcp ${WEB_IP}:8080`,
      `exec -n np-x-other client-b -- /agnhost connect --timeout=5s --protocol=tcp ${WEB_IP}:8080`,
      'get namespace np-x -o json --ignore-not-found',
      'delete --raw /api/v1/namespaces/np-x -f -',
      'get namespace np-x-other -o json --ignore-not-found',
      'delete --raw /api/v1/namespaces/np-x-other -f -',
    ]);
    // The extra namespace carries the run label and Pod Security like the example's, plus its declared labels.
    const created = c.calls.filter((x) => x.args[0] === 'create').map((x) => JSON.parse(x.input!).metadata);
    expect(created[1]).toEqual({
      name: 'np-x-other',
      labels: { team: 'other', [RUN_LABEL]: 'run-now', 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest', 'pod-security.kubernetes.io/warn': 'restricted' },
    });
  });

  test('a cell that stays different fails the example, naming the cell, after maxAttempts counted as retries', async () => {
    const { c, o } = cluster(() => ok());
    const r = await runExample(example, o);
    expect(r.status).toBe('failed');
    expect(r.reason).toBe('reachability: cell client-a -> web 8080/TCP: predicted blocked, measured allowed');
    expect(r.retries).toBe(2);
    expect(r.reachability!.status).toBe('failed');
    expect(r.reachability!.cells.map((x) => x.measured)).toEqual(['allowed', 'allowed']);
    // Diagnostics read both namespaces, each under its own heading.
    expect(r.diagnostics).toContain('## namespace np-x\n');
    expect(r.diagnostics).toContain('## namespace np-x-other\n');
    expect(c.clock.sleeps).toEqual([3000, 3000]);
  });

  test('a cell that differs once and then agrees passes with one retry', async () => {
    const { o, logged } = cluster((client, n) => (client === 'np-x-other/client-b' && n === 0 ? TIMEOUT : asPolicy(client)));
    const r = await runExample(example, o);
    expect(r).toMatchObject({ status: 'passed', retries: 1 });
    expect(logged).toContain('    retry: t/np-x: cell np-x-other/client-b -> web 8080/TCP: attempt 1 measured blocked, predicted allowed');
  });

  test('refused is not blocked: a server that does not listen fails the cell', async () => {
    const { o } = cluster((client) => (client.endsWith('client-a') ? err('REFUSED\n') : ok()));
    const r = await runExample(example, o);
    expect(r.reason).toBe('reachability: cell client-a -> web 8080/TCP: predicted blocked, measured refused');
  });

  test('a failing check and a failing cell are both in the reason', async () => {
    const { c, o } = cluster(() => ok());
    const other = c.other;
    c.other = (args) => (args.includes('web:8080') ? ok() : other(args));
    const r = await runExample(example, o);
    expect(r.reason).toBe(`1 check(s) failed: ${BLOCKED_CHECK}; reachability: cell client-a -> web 8080/TCP: predicted blocked, measured allowed`);
  });

  test('an extra namespace that is not the runner\'s: the example fails, its own namespace is deleted, the other untouched', async () => {
    const { c, o } = cluster(asPolicy);
    const theirs = c.addNamespace('np-x-other', { team: 'payments' });
    const r = await runExample(example, o);
    expect(r).toMatchObject({ status: 'failed', reason: foreignNamespaceReason('np-x-other'), checks: [] });
    expect(r.reachability).toBeUndefined();
    expect(c.calls.filter((x) => x.args.includes('np-x-other') || x.args.some((a) => a.includes('/np-x-other'))).map((x) => x.args.slice(0, 3).join(' '))).toEqual(['get namespace np-x-other']);
    expect(c.namespaces.get('np-x-other')).toBe(theirs);
    expect(c.trace().slice(-2)).toEqual(['get namespace np-x', 'delete --raw /api/v1/namespaces/np-x']);
  });
});

describe('runMutation with an extra namespace and a matrix', () => {
  test('runs in <slug>-m1 and <slug>-m1-X, with the manifests renamed, and measures the mutated prediction', async () => {
    // Without the policy every cell is allowed.
    const { c, o } = cluster(() => ok());
    const other = c.other;
    c.other = (args) => (args.includes('web:8080') ? ok() : other(args));
    const r = await runMutation(example, 0, o);
    expect(r).toMatchObject({ namespace: 'np-x-m1', status: 'passed', checks: [{ name: BLOCKED_CHECK, expected: 'fail', status: 'failed' }] });
    expect(r.reachability!.cells.map((x) => `${x.client} ${x.predicted} ${x.measured}`)).toEqual(['client-a allowed allowed', 'np-x-other/client-b allowed allowed']);
    const applied = c.calls.filter((x) => x.args[0] === 'apply' && x.args[1] === '--validate=strict');
    expect(applied.map((x) => x.args.join(' '))).toEqual(['apply --validate=strict -n np-x-m1 -f -', 'apply --validate=strict -n np-x-m1-other -f -']);
    expect(JSON.parse(applied[1]!.input!.trim()).metadata).toEqual({ name: 'client-b', labels: { app: 'b' }, namespace: 'np-x-m1-other' });
    const probes = c.calls.filter((x) => x.args.includes('--protocol=tcp')).map((x) => x.args.slice(0, 4).join(' '));
    expect(probes).toEqual(['exec -n np-x-m1 client-a', 'exec -n np-x-m1-other client-b']);
    const created = c.calls.filter((x) => x.args[0] === 'create').map((x) => JSON.parse(x.input!).metadata);
    expect(created.map((m: { name: string; labels: Record<string, string> }) => [m.name, m.labels.team])).toEqual([['np-x-m1', undefined], ['np-x-m1-other', 'other']]);
    expect([...c.namespaces.values()].every((n) => n.terminating)).toBe(true);
  });

  test('a mutation with breaks: [] passes when the matrix is the one predicted for the mutated manifests', async () => {
    const { o } = cluster(() => TIMEOUT);
    const r = await runMutation(example, 1, o);
    expect(r.status).toBe('passed');
    expect(r.reachability!.cells.map((x) => `${x.client} ${x.predicted} ${x.measured}`)).toEqual(['client-a blocked blocked', 'np-x-other/client-b blocked blocked']);
  });

  test('... and fails, naming the cell, when the cluster still shows the unmutated matrix', async () => {
    const { o } = cluster(asPolicy);
    const r = await runMutation(example, 1, o);
    expect(r).toMatchObject({ status: 'failed', reason: 'reachability: cell np-x-other/client-b -> web 8080/TCP: predicted blocked, measured allowed' });
  });

  test('a mutation that breaks no check and flips no predicted cell fails before touching the cluster', async () => {
    const { c, o } = cluster(asPolicy);
    const r = await runMutation(example, 2, o);
    expect(r).toMatchObject({ status: 'failed', reason: 'the mutation breaks no check and flips no predicted cell of the matrix, so nothing shows it can fail' });
    expect(c.calls).toEqual([]);
  });
});
