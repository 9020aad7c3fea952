/**
 * The example loader on fixture example trees (test/fixtures/examples/<case>/),
 * one describe block per fixture tree, as withastro/starlight groups its tests.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { examplesRoot, listExampleIds, loadAllExamples, loadExample, reservedNamespace } from '../../src/lib/examples/load.ts';
import { formatProblem } from '../../src/lib/problems.ts';
import { problemsOf } from '../support/problems.ts';

const fixtures = path.resolve(import.meta.dirname, '..', 'fixtures', 'examples');
const rootOf = (name: string) => path.join(fixtures, name);
/** How the loader names a fixture file in its messages (relative to the cwd, the repository root). */
const shown = (name: string, file: string) => path.relative(process.cwd(), path.join(rootOf(name), file));

describe('fixture: good', () => {
  const root = rootOf('good');

  test('lists every folder that holds an example.yaml, sorted', () => {
    expect(listExampleIds(root)).toEqual(['demo/hello', 'demo/two-docs']);
  });

  test('loads an example with its spec, files in apply order and parsed documents', () => {
    const ex = loadExample(root, 'demo/hello');
    expect(ex).toMatchObject({ id: 'demo/hello', topic: 'demo', slug: 'hello', dir: path.join(root, 'demo', 'hello') });
    expect(ex.spec.title).toBe('A pod that pauses');
    // Defaults the schema fills in.
    expect(ex.spec.requires).toEqual([]);
    expect(ex.spec.podSecurity).toBe('restricted');
    expect(ex.spec.checks[0]!.dns).toMatchObject({ name: 'kubernetes.default', type: 'A', expect: 'resolves' });
    expect(ex.files).toHaveLength(1);
    const [file] = ex.files;
    expect(file).toMatchObject({ name: 'pod.yaml', examplePath: 'demo/hello/pod.yaml', displayPath: shown('good', 'demo/hello/pod.yaml') });
    expect(file!.text).toBe(readFileSync(path.join(root, 'demo/hello/pod.yaml'), 'utf8'));
    expect(file!.documents).toEqual([
      expect.objectContaining({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client', labels: { app: 'client' } } }),
    ]);
    expect(ex.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('keeps manifests in the order example.yaml lists them, and every document of a multi-document file', () => {
    const ex = loadExample(root, 'demo/two-docs');
    expect(ex.files.map((f) => f.name)).toEqual(['web.yaml', 'client.yaml']);
    expect((ex.files[0]!.documents as { kind: string }[]).map((d) => d.kind)).toEqual(['Service', 'Deployment']);
    expect(ex.spec.requires).toEqual(['networkpolicy']);
  });

  test('the content hash is stable and differs between examples', () => {
    expect(loadExample(root, 'demo/hello').contentHash).toBe(loadExample(root, 'demo/hello').contentHash);
    expect(loadExample(root, 'demo/hello').contentHash).not.toBe(loadExample(root, 'demo/two-docs').contentHash);
  });

  test('loadAllExamples loads the whole tree', () => {
    expect(loadAllExamples(root).map((e) => e.id)).toEqual(['demo/hello', 'demo/two-docs']);
  });

  test('an id that names no folder is example-missing, pointing at the spec file it looked for', () => {
    const [p, ...rest] = problemsOf(() => loadExample(root, 'demo/nope'));
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ file: shown('good', 'demo/nope/example.yaml'), line: 1, column: 1, rule: 'example-missing', severity: 'error' });
    expect(p!.message).toContain('no example "demo/nope"');
  });

  test('an id that is not <topic>/<slug> is example-id', () => {
    for (const id of ['Demo/hello', 'demo', 'demo/hello/extra', '../good/demo/hello']) {
      expect(problemsOf(() => loadExample(root, id)).map((p) => p.rule), id).toEqual(['example-id']);
    }
  });

  test('EXAMPLES_DIR selects the examples root', () => {
    const saved = process.env.EXAMPLES_DIR;
    try {
      process.env.EXAMPLES_DIR = root;
      expect(examplesRoot('/somewhere')).toBe(root);
      delete process.env.EXAMPLES_DIR;
      expect(examplesRoot('/somewhere')).toBe(path.resolve('/somewhere', 'examples'));
    } finally {
      if (saved === undefined) delete process.env.EXAMPLES_DIR;
      else process.env.EXAMPLES_DIR = saved;
    }
  });
});

describe('fixture: missing-file', () => {
  const root = rootOf('missing-file');

  test('a manifest listed in example.yaml but absent is reported at its entry in the list', () => {
    const problems = problemsOf(() => loadExample(root, 'demo/missing-file'));
    expect(problems).toHaveLength(1);
    // manifests: [pod.yaml, service.yaml]  ->  service.yaml starts at line 3, column 23.
    expect(problems[0]).toMatchObject({ file: shown('missing-file', 'demo/missing-file/example.yaml'), line: 3, column: 23, rule: 'example-manifest-missing' });
    expect(problems[0]!.message).toContain('service.yaml');
    expect(formatProblem(problems[0]!)).toMatch(/^test\/fixtures\/examples\/missing-file\/demo\/missing-file\/example\.yaml:3:23  error  example-manifest-missing  manifest service\.yaml is listed/);
  });

  test('loadAllExamples throws with the same problem', () => {
    expect(problemsOf(() => loadAllExamples(root)).map((p) => `${p.line}:${p.column} ${p.rule}`)).toEqual(['3:23 example-manifest-missing']);
  });
});

describe('fixture: bad-spec', () => {
  const root = rootOf('bad-spec');
  const problems = problemsOf(() => loadExample(root, 'demo/bad-spec'));
  const file = shown('bad-spec', 'demo/bad-spec/example.yaml');

  test('every problem is an example-spec error in example.yaml', () => {
    expect(problems.length).toBeGreaterThanOrEqual(4);
    for (const p of problems) expect(p).toMatchObject({ file, rule: 'example-spec', severity: 'error' });
  });

  test('an unknown cluster feature points at the list entry (line:col)', () => {
    const p = problems.find((x) => x.message.startsWith('requires.0'));
    // requires: [multicast]  ->  line 4, column 12
    expect(p).toMatchObject({ line: 4, column: 12 });
    expect(p!.message).toContain('networkpolicy');
  });

  test('a wrongly typed value points at the value (line:col)', () => {
    const p = problems.find((x) => x.message.startsWith('checks.0.tcp.port'));
    // tcp: { host: web, port: "8080", expect: open }  ->  "8080" is at line 9, column 29
    expect(p).toMatchObject({ line: 9, column: 29 });
    expect(p!.message).toMatch(/expected number/);
  });

  test('a check with two probes points at the check', () => {
    const p = problems.find((x) => x.message.includes('exactly one of http, tcp, dns or kubectl'));
    expect(p).toMatchObject({ line: 10, column: 5 });
  });

  test('an unknown field is named (the spec is strict)', () => {
    const p = problems.find((x) => x.message.includes('colour'));
    // colour: blue  ->  the key's value is at line 5, column 9
    expect(p).toMatchObject({ rule: 'example-spec', line: 5, column: 9, message: 'Unrecognized key: "colour"' });
  });
});

describe('fixture: duplicate-key', () => {
  test('a key given twice in a manifest is yaml-duplicate-key at the second key', () => {
    const problems = problemsOf(() => loadExample(rootOf('duplicate-key'), 'demo/duplicate-key'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: shown('duplicate-key', 'demo/duplicate-key/pod.yaml'), line: 5, column: 3, rule: 'yaml-duplicate-key', severity: 'error' });
    expect(problems[0]!.hint).toMatch(/keep only the last/);
  });
});

describe('fixture: malformed-yaml', () => {
  test('a manifest that does not parse is yaml-parse with the line of the broken value', () => {
    const problems = problemsOf(() => loadExample(rootOf('malformed-yaml'), 'demo/malformed-yaml'));
    expect(problems.length).toBeGreaterThanOrEqual(1);
    expect(problems[0]).toMatchObject({ file: shown('malformed-yaml', 'demo/malformed-yaml/pod.yaml'), line: 8, rule: 'yaml-parse', severity: 'error' });
    expect(problems[0]!.column).toBeGreaterThan(1);
    expect(problems[0]!.message).toMatch(/quote/i);
  });
});

describe('fixture: slug-conflicts', () => {
  // demo/web and other/web share a slug; kube-flannel and cert-manager are namespaces a cluster uses; demo/fine is fine.
  const root = rootOf('slug-conflicts');
  const spec = (id: string) => shown('slug-conflicts', `${id}/example.yaml`);

  test('a slug another topic uses is example-slug-duplicate, on both examples, naming the other', () => {
    expect(problemsOf(() => loadExample(root, 'demo/web')).map(formatProblem)).toEqual([
      `${spec('demo/web')}:1:1  error  example-slug-duplicate  slug "web" is already used by example other/web; slugs are unique across topics because the slug is the namespace\n    hint: rename one of the two example folders`,
    ]);
    expect(problemsOf(() => loadExample(root, 'other/web')).map(formatProblem)).toEqual([
      `${spec('other/web')}:1:1  error  example-slug-duplicate  slug "web" is already used by example demo/web; slugs are unique across topics because the slug is the namespace\n    hint: rename one of the two example folders`,
    ]);
  });

  test('a slug that is a namespace the cluster uses is example-slug-reserved', () => {
    const reserved = (slug: string) =>
      `${spec(`demo/${slug}`)}:1:1  error  example-slug-reserved  slug "${slug}" is a namespace the cluster uses (default, traefik, local-path-storage, metallb-system, cert-manager, kube-*); the runner would create and delete it\n    hint: rename the example folder`;
    expect(problemsOf(() => loadExample(root, 'demo/kube-flannel')).map(formatProblem)).toEqual([reserved('kube-flannel')]);
    expect(problemsOf(() => loadExample(root, 'demo/cert-manager')).map(formatProblem)).toEqual([reserved('cert-manager')]);
  });

  test('the other examples of the tree still load', () => {
    expect(loadExample(root, 'demo/fine').slug).toBe('fine');
  });

  test('loadAllExamples reports every conflict, once per example', () => {
    expect(problemsOf(() => loadAllExamples(root)).map((p) => `${path.relative(rootOf('slug-conflicts'), p.file)} ${p.rule}`)).toEqual([
      'demo/cert-manager/example.yaml example-slug-reserved',
      'demo/kube-flannel/example.yaml example-slug-reserved',
      'demo/web/example.yaml example-slug-duplicate',
      'other/web/example.yaml example-slug-duplicate',
    ]);
  });

  test('reservedNamespace: kube-*, default and the add-ons, nothing else', () => {
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'kube-anything', 'traefik', 'local-path-storage', 'metallb-system', 'cert-manager']) {
      expect(reservedNamespace(ns), ns).toBe(true);
    }
    for (const ns of ['web', 'kubeflow', 'defaults', 'clusterip-basic']) expect(reservedNamespace(ns), ns).toBe(false);
  });
});
