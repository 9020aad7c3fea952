/**
 * Extra namespaces and reachability matrices in example.yaml (issue 12): the
 * spec fields, the loader rules (each row of the table breaks one rule and
 * names it, so removing the rule fails its row) and the commands the page
 * shows. Example trees are written to a temporary folder per test.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { applyCommands } from '../../src/lib/checks/commands.ts';
import { extraNamespaceConflict, loadAllExamples, loadExample, podRefProblem, splitPodRef } from '../../src/lib/examples/load.ts';
import { exampleSpec } from '../../src/lib/examples/spec.ts';
import { problemsOf } from '../support/problems.ts';

const IMAGE = 'registry.k8s.io/e2e-test-images/agnhost:2.66.1';
const pod = (name: string, namespace?: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, ...(namespace ? { namespace } : {}) }, spec: { containers: [{ name: 'c', image: IMAGE }] } });
const yamlDocs = (...docs: object[]) => docs.map((d) => stringify(d)).join('---\n');

/** The base example t/np-x: web and client-a in its own namespace, client-b in np-x-other. */
function baseSpec(): Record<string, unknown> {
  return {
    title: 'T',
    summary: 'S',
    manifests: ['own.yaml', 'other.yaml'],
    namespaces: [{ name: 'np-x-other', labels: { team: 'other' } }],
    reachability: { clients: ['client-a', 'np-x-other/client-b'], servers: ['web'], ports: [{ port: 8080 }] },
    checks: [{ name: 'reaches', from: 'client-a', tcp: { host: 'web', port: 8080, expect: 'open' } }],
    mutations: [{ name: 'no other', remove: 'other.yaml', breaks: [] }],
  };
}
function baseFiles(): Record<string, string> {
  return { 'own.yaml': yamlDocs(pod('web'), pod('client-a')), 'other.yaml': yamlDocs(pod('client-b', 'np-x-other')) };
}

/** The base example with its extra namespace called `name` everywhere (spec, manifest, matrix). */
function renameOther(spec: Record<string, unknown>, files: Record<string, string>, name: string): void {
  spec.namespaces = [{ name, labels: { team: 'other' } }];
  spec.reachability = { ...(spec.reachability as object), clients: ['client-a', `${name}/client-b`] };
  files['other.yaml'] = yamlDocs(pod('client-b', name));
}

let roots: string[] = [];
afterEach(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  roots = [];
});

/** Writes examples (id -> spec and files) under a fresh root. */
function tree(examples: Record<string, { spec: Record<string, unknown>; files: Record<string, string> }>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ns-examples-'));
  roots.push(root);
  for (const [id, ex] of Object.entries(examples)) {
    mkdirSync(path.join(root, id), { recursive: true });
    writeFileSync(path.join(root, id, 'example.yaml'), stringify(ex.spec));
    for (const [name, text] of Object.entries(ex.files)) writeFileSync(path.join(root, id, name), text);
  }
  return root;
}

describe('the spec fields', () => {
  test('namespaces default to none; labels to {}; protocol to TCP', () => {
    const s = exampleSpec.parse({ ...baseSpec(), namespaces: [{ name: 'np-x-other' }] });
    expect(s.namespaces).toEqual([{ name: 'np-x-other', labels: {} }]);
    expect(s.reachability!.ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    const { namespaces: _n, reachability: _r, mutations: _m, ...plain } = baseSpec();
    const p = exampleSpec.parse(plain);
    expect(p.namespaces).toEqual([]);
    expect(p.reachability).toBeUndefined();
  });

  const issues = (patch: Record<string, unknown>) => {
    const r = exampleSpec.safeParse({ ...baseSpec(), ...patch });
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  test.each([
    ['a namespace listed twice', { namespaces: [{ name: 'np-x-a' }, { name: 'np-x-a' }] }, 'namespaces.1.name: namespace np-x-a is listed twice'],
    ['a name that is no DNS label', { namespaces: [{ name: 'NP_x' }] }, 'namespaces.0.name: must be a DNS label: lowercase letters, digits and dashes'],
    ['a label the runner sets', { namespaces: [{ name: 'np-x-a', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } }] }, 'namespaces.0.labels.pod-security.kubernetes.io/enforce: label pod-security.kubernetes.io/enforce is set by the runner or the API server; an example may not declare it'],
    ['the automatic name label', { namespaces: [{ name: 'np-x-a', labels: { 'kubernetes.io/metadata.name': 'x' } }] }, 'namespaces.0.labels.kubernetes.io/metadata.name: label kubernetes.io/metadata.name is set by the runner or the API server; an example may not declare it'],
    ['a client listed twice', { reachability: { clients: ['a', 'a'], servers: ['web'], ports: [{ port: 1 }] } }, 'reachability.clients.1: a is listed twice'],
    ['a port listed twice', { reachability: { clients: ['a'], servers: ['web'], ports: [{ port: 1 }, { port: 1, protocol: 'TCP' }] } }, 'reachability.ports.1: 1/TCP is listed twice'],
    ['a pod ref with two slashes', { reachability: { clients: ['a/b/c'], servers: ['web'], ports: [{ port: 1 }] } }, 'reachability.clients.0: must be a Pod name, or <namespace>/<pod> for a Pod in an extra namespace'],
    ['SCTP', { reachability: { clients: ['a'], servers: ['web'], ports: [{ port: 1, protocol: 'SCTP' }] } }, 'reachability.ports.0.protocol: Invalid option: expected one of "TCP"|"UDP"'],
  ])('rejects %s', (_what, patch, message) => {
    expect(issues(patch)).toEqual([message]);
  });
});

describe('the loader', () => {
  test('loads an example with an extra namespace; each file knows its namespace', () => {
    const root = tree({ 't/np-x': { spec: baseSpec(), files: baseFiles() } });
    const ex = loadExample(root, 't/np-x');
    expect(ex.files.map((f) => [f.name, f.namespace])).toEqual([
      ['own.yaml', undefined],
      ['other.yaml', 'np-x-other'],
    ]);
    expect(ex.spec.namespaces).toEqual([{ name: 'np-x-other', labels: { team: 'other' } }]);
  });

  /** One row per loader rule: how to break the base example, the rule, and where in which file. */
  const rows: Array<{ rule: string; what: string; change: (spec: Record<string, unknown>, files: Record<string, string>) => void; at: string; extra?: Record<string, { spec: Record<string, unknown>; files: Record<string, string> }>; message?: RegExp }> = [
    { rule: 'example-namespace-prefix', what: 'a name without the slug prefix', change: (s, f) => renameOther(s, f, 'other-ns'), at: 'example.yaml:7:11' },
    { rule: 'example-namespace-mutation', what: 'a mutation namespace', change: (s, f) => renameOther(s, f, 'np-x-m1'), at: 'example.yaml:7:11' },
    { rule: 'example-namespace-mutation', what: 'a mutation namespace with a suffix', change: (s, f) => renameOther(s, f, 'np-x-m12-db'), at: 'example.yaml:7:11' },
    {
      rule: 'example-namespace-duplicate',
      what: "another example's slug",
      change: () => {},
      at: 'example.yaml:7:11',
      extra: { 't/np-x-other': { spec: { title: 'T', summary: 'S', manifests: ['p.yaml'], checks: [{ name: 'c', from: 'a', tcp: { host: 'b', port: 1, expect: 'open' } }] }, files: { 'p.yaml': yamlDocs(pod('a')) } } },
      message: /slug of example t\/np-x-other/,
    },
    {
      rule: 'example-namespace-duplicate',
      what: "another example's extra namespace",
      change: () => {},
      at: 'example.yaml:7:11',
      extra: { 'u/np': { spec: { title: 'T', summary: 'S', manifests: ['p.yaml'], namespaces: [{ name: 'np-x-other' }], checks: [{ name: 'c', from: 'a', tcp: { host: 'b', port: 1, expect: 'open' } }] }, files: { 'p.yaml': yamlDocs(pod('a')) } } },
      message: /also declared by example u\/np/,
    },
    { rule: 'example-namespace-length', what: 'a name too long with the mutation suffix', change: (s, f) => renameOther(s, f, `np-x-${'a'.repeat(57)}`), at: 'example.yaml:7:11', message: /becomes "np-x-m1-a+" \(65 characters\) under mutation 1/ },
    {
      rule: 'example-file-namespaces',
      what: 'a file with objects of two namespaces',
      change: (_s, f) => (f['own.yaml'] = yamlDocs(pod('web'), pod('client-a'), pod('stray', 'np-x-other'))),
      at: 'own.yaml:23:14',
      message: /this object is in namespace np-x-other but the file's first object is in the example's own namespace/,
    },
    { rule: 'example-reachability-pod', what: 'an undeclared namespace', change: (s) => ((s.reachability as { clients: string[] }).clients = ['client-a', 'np-x-nope/client-b']), at: 'example.yaml:13:7', message: /namespace np-x-nope is not one of the example's namespaces \(np-x-other\)/ },
    { rule: 'example-reachability-pod', what: 'a pod that is not there', change: (s) => ((s.reachability as { servers: string[] }).servers = ['db']), at: 'example.yaml:15:7', message: /no Pod named db in the example's own namespace \(Pods there: client-a, web\)/ },
    { rule: 'example-reachability-pod', what: 'a pod of the other namespace named bare', change: (s) => ((s.reachability as { clients: string[] }).clients = ['client-b']), at: 'example.yaml:12:7', message: /no Pod named client-b/ },
    { rule: 'example-reachability-pod', what: "the example's own namespace spelled out", change: (s) => ((s.reachability as { clients: string[] }).clients = ['np-x/client-a']), at: 'example.yaml:12:7', message: /write client-a/ },
    {
      rule: 'example-reachability-pod',
      what: 'a Deployment, not a bare Pod',
      change: (s, f) => {
        (s.reachability as { servers: string[] }).servers = ['api'];
        f['own.yaml'] += `---\n${stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api' }, spec: {} })}`;
      },
      at: 'example.yaml:15:7',
    },
  ];
  test.each(rows)('$rule: $what', ({ rule, change, at, extra, message }) => {
    const spec = baseSpec();
    const files = baseFiles();
    change(spec, files);
    const root = tree({ 't/np-x': { spec, files }, ...extra });
    const problems = problemsOf(() => loadExample(root, 't/np-x'));
    expect(problems.map((p) => `${path.basename(p.file)}:${p.line}:${p.column} ${p.rule}${p.rule === rule ? '' : ` ${p.message}`}`)).toEqual([`${at} ${rule}`]);
    if (message) expect(problems[0]!.message).toMatch(message);
  });

  test('the name rules on their own: mutation namespaces of this example and of another', () => {
    const c = extraNamespaceConflict('np-x-m2', 'np-x', 0, ['t/np-x', 'u/np'], 't/np-x', () => []);
    expect(c?.rule).toBe('example-namespace-mutation');
    const d = extraNamespaceConflict('np-x-m2b', 'np-x', 0, ['t/np-x', 'u/np-x-m2b'], 't/np-x', () => []);
    expect(d?.rule).toBe('example-namespace-duplicate');
    const e = extraNamespaceConflict('ab-m3-z', 'ab-m3', 0, ['t/ab-m3', 'u/ab'], 't/ab-m3', () => []);
    expect(e).toMatchObject({ rule: 'example-namespace-duplicate', message: 'namespace "ab-m3-z" is a mutation namespace of example u/ab' });
    expect(extraNamespaceConflict('np-x-mx', 'np-x', 3, ['t/np-x'], 't/np-x', () => [])).toBeUndefined();
  });

  test('example-namespace-reserved: a namespace the cluster uses', () => {
    expect(extraNamespaceConflict('kube-system', 'kube', 0, ['t/kube'], 't/kube', () => [])?.rule).toBe('example-namespace-reserved');
  });

  test('both examples that declare one namespace are reported by loadAllExamples', () => {
    const other = { spec: { title: 'T', summary: 'S', manifests: ['p.yaml'], namespaces: [{ name: 'np-x-other' }], checks: [{ name: 'c', from: 'a', tcp: { host: 'b', port: 1, expect: 'open' } }] }, files: { 'p.yaml': yamlDocs(pod('a')) } };
    const root = tree({ 't/np-x': { spec: baseSpec(), files: baseFiles() }, 'u/np': other });
    const problems = problemsOf(() => loadAllExamples(root));
    expect(problems.map((p) => `${path.relative(root, p.file)} ${p.rule}`).sort()).toEqual(['t/np-x/example.yaml example-namespace-duplicate', 'u/np/example.yaml example-namespace-duplicate']);
  });

  test('pod references: split and checked against the Pods of each namespace', () => {
    expect(splitPodRef('web')).toEqual({ pod: 'web' });
    expect(splitPodRef('np-x-other/client-b')).toEqual({ namespace: 'np-x-other', pod: 'client-b' });
    const pods = new Map([['', new Set(['web'])], ['np-x-other', new Set(['client-b'])]]);
    expect(podRefProblem('web', 'np-x', ['np-x-other'], pods)).toBeUndefined();
    expect(podRefProblem('np-x-other/client-b', 'np-x', ['np-x-other'], pods)).toBeUndefined();
    expect(podRefProblem('np-x-other/web', 'np-x', ['np-x-other'], pods)).toMatch(/no Pod named web in np-x-other \(Pods there: client-b\)/);
  });
});

describe('the apply commands the page shows', () => {
  test('own namespace, each extra one with its labels, then each file into its namespace', () => {
    const root = tree({ 't/np-x': { spec: { ...baseSpec(), namespaces: [{ name: 'np-x-other', labels: { team: 'other', 'example.com/tier': 'a.b' } }] }, files: baseFiles() } });
    const ex = loadExample(root, 't/np-x');
    expect(applyCommands(ex, 'https://docs.example.test')).toEqual([
      'kubectl create namespace np-x',
      'kubectl create namespace np-x-other',
      'kubectl label namespace np-x-other team=other example.com/tier=a.b',
      'kubectl apply -n np-x -f https://docs.example.test/examples/t/np-x/own.yaml',
      'kubectl apply -n np-x-other -f https://docs.example.test/examples/t/np-x/other.yaml',
    ]);
  });

  test('an extra namespace without labels gets no label command', () => {
    const root = tree({ 't/np-x': { spec: { ...baseSpec(), namespaces: [{ name: 'np-x-other' }] }, files: baseFiles() } });
    expect(applyCommands(loadExample(root, 't/np-x'), 'https://d.test').filter((c) => c.includes('label'))).toEqual([]);
  });
});
