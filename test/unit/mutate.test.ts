/**
 * Mutations applied to an example's manifests (src/lib/examples/mutate.ts)
 * and the spec rules for them (src/lib/examples/spec.ts). Fixture:
 * test/fixtures/examples/mutations, demo/guarded (a Service and Deployment
 * `web`, a NetworkPolicy, pods `client` and `stranger`; one mutation removes
 * the policy, one patches the Service selector).
 */
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadExample, type LoadedExample } from '../../src/lib/examples/load.ts';
import { applyMutation, manifestStream, mutationExtraNamespace, mutationNamespace, mutationProblem, mutationRenames, parsePointer, renameCheckNamespace, renameNamespace, renameNamespaces } from '../../src/lib/examples/mutate.ts';
import { exampleSpec, mutation as mutationSchema, type Mutation } from '../../src/lib/examples/spec.ts';
import { ProblemError } from '../../src/lib/problems.ts';
import { KUBE_YAML_OPTIONS } from '../../src/lib/yaml/positions.ts';

const root = path.resolve(import.meta.dirname, '..', 'fixtures', 'examples', 'mutations');
const example = loadExample(root, 'demo/guarded');

/** The example with its mutations replaced by `mutations` (the spec is otherwise the fixture's). */
const withMutations = (mutations: Mutation[]): LoadedExample => ({ ...example, spec: { ...example.spec, mutations } });
const patch = (ops: unknown[], target: Partial<{ file: string; kind: string; name: string }> = {}): Mutation =>
  mutationSchema.parse({ name: 'm', patch: { file: 'web.yaml', kind: 'Service', name: 'web', ops, ...target }, breaks: ['the client reaches web'] });
const service = (files: { name: string; documents: unknown[] }[]) =>
  files.find((f) => f.name === 'web.yaml')!.documents.find((d) => (d as { kind: string }).kind === 'Service') as { spec: Record<string, unknown> };

describe('applyMutation', () => {
  it('remove: leaves the file out and keeps the others, in order, unchanged', () => {
    const r = applyMutation(example, 0);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.files.map((f) => [f.name, f.changed])).toEqual([
      ['web.yaml', false],
      ['client.yaml', false],
    ]);
    expect(r.files[0]!.text).toBe(example.files[0]!.text);
  });

  it('patch: changes the one object, keeps comments and the other document, and quotes a YAML 1.1 boolean word', () => {
    const r = applyMutation(example, 1);
    if (!r.ok) throw new Error(r.error.message);
    const web = r.files.find((f) => f.name === 'web.yaml')!;
    expect(web.changed).toBe(true);
    expect(web.text).toContain('# The Service in front of web.');
    expect(web.text).toContain('# the pods below');
    // "yes" must stay a string for Kubernetes, which reads YAML 1.1.
    expect(web.text).toMatch(/app: "yes"/);
    const reread = web.text.split(/^---$/m).map((t) => parse(t, KUBE_YAML_OPTIONS));
    expect(reread).toEqual(web.documents);
    expect(service(r.files).spec.selector).toEqual({ app: 'yes' });
    expect((web.documents[1] as { kind: string }).kind).toBe('Deployment');
    expect(web.documents[1]).toEqual(example.files[0]!.documents[1]);
    // the loaded example itself is untouched
    expect(service(example.files).spec.selector).toEqual({ app: 'web' });
  });

  it('add, remove and replace follow RFC 6902 on maps and lists', () => {
    const r = applyMutation(
      withMutations([
        patch([
          { op: 'add', path: '/spec/sessionAffinity', value: 'ClientIP' },
          { op: 'add', path: '/spec/ports/-', value: { name: 'admin', port: 9090 } },
          { op: 'add', path: '/spec/ports/0', value: { name: 'first', port: 7070 } },
          { op: 'replace', path: '/spec/ports/1/port', value: 8081 },
          { op: 'remove', path: '/spec/ports/2' },
          { op: 'remove', path: '/spec/selector' },
          { op: 'add', path: '/metadata/annotations', value: { 'a~b/c': 'x' } },
          { op: 'replace', path: '/metadata/annotations/a~0b~1c', value: 'y' },
        ]),
      ]),
      0,
    );
    if (!r.ok) throw new Error(r.error.message);
    const svc = service(r.files) as { spec: Record<string, unknown>; metadata: Record<string, unknown> };
    expect(svc.spec).toEqual({ ports: [{ name: 'first', port: 7070 }, { port: 8081 }], sessionAffinity: 'ClientIP' });
    expect(svc.metadata.annotations).toEqual({ 'a~b/c': 'y' });
  });

  it.each([
    [{ op: 'remove', path: '/spec/sessionAffinity' }, 'remove /spec/sessionAffinity: the object has no sessionAffinity there'],
    [{ op: 'replace', path: '/spec/nope/x', value: 1 }, 'replace /spec/nope/x: /spec/nope does not exist in the object'],
    [{ op: 'replace', path: '/spec/ports/1', value: 1 }, 'replace /spec/ports/1: the list there has 1 item(s), no index 1'],
    [{ op: 'add', path: '/spec/ports/2', value: 1 }, 'add /spec/ports/2: the list there has 1 item(s), no index 2'],
    [{ op: 'add', path: '/spec/ports/x', value: 1 }, 'add /spec/ports/x: "x" is not an index of the list there'],
    [{ op: 'add', path: '/kind/x', value: 1 }, 'add /kind/x: the value at /kind is neither a map nor a list'],
  ])('a path that is not there is an error at that op: %j', (op, message) => {
    const r = applyMutation(withMutations([patch([{ op: 'add', path: '/spec/type', value: 'ClusterIP' }, op])]), 0);
    expect(r).toEqual({ ok: false, error: { specPath: ['mutations', 0, 'patch', 'ops', 1, 'path'], message: `Service web in web.yaml: ${message}` } });
  });

  it('an object the file does not hold is an error naming what it holds', () => {
    const r = applyMutation(withMutations([patch([{ op: 'remove', path: '/spec' }], { name: 'api' })]), 0);
    expect(r).toEqual({ ok: false, error: { specPath: ['mutations', 0, 'patch', 'name'], message: 'web.yaml has no Service named api (it holds Service web, Deployment web)' } });
  });

  it('an error is located in example.yaml at file:line:col', () => {
    const text = [
      'title: t',
      'mutations:',
      '  - name: m',
      '    patch:',
      '      file: web.yaml',
      '      ops:',
      '        - { op: remove, path: /spec/x }',
      '        - { op: remove, path: /spec/y }',
    ].join('\n');
    const p = mutationProblem(text, 'examples/demo/x/example.yaml', { specPath: ['mutations', 0, 'patch', 'ops', 1, 'path'], message: 'no /spec/y' });
    expect(new ProblemError([p]).message).toBe(
      'examples/demo/x/example.yaml:8:31  error  example-mutation  no /spec/y\n    hint: make the patch name an object and a path the manifest has (RFC 6902 JSON Patch)',
    );
  });
});

describe('pointers, namespaces and the apply stream', () => {
  it('parses RFC 6901 escapes', () => {
    expect(parsePointer('/metadata/annotations/a~1b~0c')).toEqual(['metadata', 'annotations', 'a/b~c']);
  });

  it('names a namespace per mutation', () => {
    expect([0, 1].map((i) => mutationNamespace('guarded', i))).toEqual(['guarded-m1', 'guarded-m2']);
  });

  it('renames the namespace where it is a whole word, and nowhere else', () => {
    const value = {
      a: 'web.guarded.svc.cluster.local',
      b: ['kubernetes.io/metadata.name=guarded', 'guarded', 'guarded.example.test'],
      c: 'unguarded and guarded-two and guarded2 stay',
      n: 3,
    };
    expect(renameNamespace(value, 'guarded', 'guarded-m1')).toEqual({
      a: 'web.guarded-m1.svc.cluster.local',
      b: ['kubernetes.io/metadata.name=guarded-m1', 'guarded-m1', 'guarded-m1.example.test'],
      c: 'unguarded and guarded-two and guarded2 stay',
      n: 3,
    });
  });

  it('a renamed check keeps its name, which results refer to', () => {
    const c = { ...example.spec.checks[0]!, name: 'reaches guarded' };
    const r = renameCheckNamespace(c, [{ from: 'guarded', to: 'guarded-m2' }]);
    expect(r.name).toBe('reaches guarded');
    expect(r.http!.url).toBe('http://web.guarded-m2.svc.cluster.local:8080/hostname');
  });

  it('an extra namespace <slug>-X becomes <slug>-m<N>-X', () => {
    expect([0, 9].map((i) => mutationExtraNamespace('guarded', 'guarded-other', i))).toEqual(['guarded-m1-other', 'guarded-m10-other']);
  });

  it('a mutation renames the slug and every extra namespace, in that order', () => {
    const spec = { ...example.spec, namespaces: [{ name: 'guarded-other', labels: {} as Record<string, string> }, { name: 'guarded-db', labels: { team: 'db' } }] };
    expect(mutationRenames({ slug: 'guarded', spec }, 1)).toEqual([
      { from: 'guarded', to: 'guarded-m2' },
      { from: 'guarded-other', to: 'guarded-m2-other' },
      { from: 'guarded-db', to: 'guarded-m2-db' },
    ]);
  });

  // Each row: a string in a manifest or check, and what the mutation's renames make of it.
  const renames = [
    { from: 'guarded', to: 'guarded-m1' },
    { from: 'guarded-other', to: 'guarded-m1-other' },
  ];
  it.each([
    ['guarded', 'guarded-m1'],
    ['guarded-other', 'guarded-m1-other'],
    ['web.guarded-other.svc.cluster.local', 'web.guarded-m1-other.svc.cluster.local'],
    ['kubernetes.io/metadata.name=guarded-other', 'kubernetes.io/metadata.name=guarded-m1-other'],
    ['guarded-other/client-b', 'guarded-m1-other/client-b'],
    ['guarded-others', 'guarded-others'],
    ['guarded-other2', 'guarded-other2'],
  ])('renames %s to %s', (from, to) => {
    expect(renameNamespaces(from, renames)).toBe(to);
  });

  it('the apply stream is one JSON document per object, read back the same by YAML 1.1', () => {
    const docs = [{ kind: 'Service', spec: { selector: { app: 'yes' } } }, { kind: 'Pod' }];
    const s = manifestStream(docs);
    expect(s.split('\n---\n').map((d) => parse(d, KUBE_YAML_OPTIONS))).toEqual(docs);
  });
});

describe('the mutations part of the spec', () => {
  const base = {
    title: 't',
    summary: 's',
    manifests: ['a.yaml', 'b.yaml'],
    checks: [
      { name: 'reads', observation: true, kubectl: { args: ['get', 'svc'] } },
      { name: 'claims', from: 'client', tcp: { host: 'web', port: 80, expect: 'open' } },
    ],
  };
  const issues = (mutations: unknown[], extra: object = {}) => {
    const r = exampleSpec.safeParse({ ...base, ...extra, mutations });
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('accepts remove and patch mutations, and none at all', () => {
    expect(issues([{ name: 'x', remove: 'b.yaml', breaks: ['claims'] }, { name: 'y', patch: { file: 'a.yaml', kind: 'Service', name: 'w', ops: [{ op: 'remove', path: '/spec/x' }] }, breaks: ['claims'], notReady: ['deploy/web'] }])).toEqual([]);
    expect(exampleSpec.parse(base).mutations).toEqual([]);
  });

  it('rejects what a runner could not run or would misreport', () => {
    expect(issues([{ name: 'x', breaks: ['claims'] }])).toEqual(['mutations.0: a mutation needs exactly one of remove or patch']);
    expect(issues([{ name: 'x', remove: 'a.yaml', patch: { file: 'a.yaml', kind: 'S', name: 'w', ops: [{ op: 'remove', path: '/a' }] }, breaks: ['claims'] }])).toEqual([
      'mutations.0: a mutation needs exactly one of remove or patch',
    ]);
    expect(issues([{ name: 'x', remove: 'c.yaml', breaks: ['claims'] }])).toEqual(['mutations.0.remove: c.yaml is not one of manifests (a.yaml, b.yaml)']);
    expect(issues([{ name: 'x', patch: { file: 'c.yaml', kind: 'S', name: 'w', ops: [{ op: 'remove', path: '/a' }] }, breaks: ['claims'] }])).toEqual([
      'mutations.0.patch.file: c.yaml is not one of manifests (a.yaml, b.yaml)',
    ]);
    expect(issues([{ name: 'x', remove: 'a.yaml', breaks: [] }])).toEqual([
      'mutations.0.breaks: a mutation must break at least one check (only an example with reachability may break none and flip a matrix cell instead)',
    ]);
    // With a reachability matrix, a mutation may instead flip a cell (checked by the matrix gate and the runner).
    const matrix = { reachability: { clients: ['client'], servers: ['web'], ports: [{ port: 8080 }] } };
    expect(issues([{ name: 'x', remove: 'a.yaml', breaks: [] }], matrix)).toEqual([]);
    expect(issues([{ name: 'x', remove: 'a.yaml', breaks: ['nope', 'reads', 'claims', 'claims'] }])).toEqual([
      'mutations.0.breaks.0: no check is named "nope"',
      'mutations.0.breaks.1: "reads" is an observation check; a mutation breaks only behaviour checks',
      'mutations.0.breaks.3: "claims" is listed twice',
    ]);
    expect(issues([{ name: 'x', remove: 'a.yaml', breaks: ['claims'] }, { name: 'x', remove: 'b.yaml', breaks: ['claims'] }])).toEqual(['mutations.1.name: mutation name "x" is used twice']);
    expect(issues([{ name: 'x', patch: { file: 'a.yaml', kind: 'S', name: 'w', ops: [{ op: 'replace', path: 'spec' }, { op: 'move', path: '/a' }] }, breaks: ['claims'] }]).length).toBeGreaterThanOrEqual(2);
    expect(issues([], { checks: [...base.checks, base.checks[1]] })).toEqual(['checks.2.name: check name "claims" is used twice; mutations refer to checks by name']);
  });

  it('the loader reports a bad mutation at file:line:col of example.yaml', () => {
    const bad = path.resolve(import.meta.dirname, '..', 'fixtures', 'examples', 'mutations-bad');
    let problems: string[] = [];
    try {
      loadExample(bad, 'demo/bad-breaks');
    } catch (e) {
      if (!(e instanceof ProblemError)) throw e;
      problems = e.problems.map((p) => `${path.basename(p.file)}:${p.line}:${p.column} ${p.rule} ${p.message}`);
    }
    expect(problems).toEqual(['example.yaml:10:14 example-spec mutations.0.breaks.0: no check is named "the client answers"']);
  });
});
