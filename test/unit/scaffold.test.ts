// npm run new:article / new:example: the templates, the input rules, the
// no-overwrite writes, and the two CLIs end to end in a temporary tree
// (EXAMPLES_DIR / CONTENT_DIR), never touching the real content.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkArticle, indexExamples } from '../../src/lib/content/guard.ts';
import { allowedCommands, checkCommands, checkPersonalData } from '../../src/lib/content/lint.ts';
import { articleRoute } from '../../src/lib/site/routes.ts';
import { loadExample } from '../../src/lib/examples/load.ts';
import { isBlockedCheck } from '../../src/lib/examples/spec.ts';
import { articleRouteFor, isoDate, nextSidebarOrder, renderArticle } from '../../src/lib/scaffold/article.ts';
import { type Field, parseFlags, resolveFields } from '../../src/lib/scaffold/cli.ts';
import { UsageError } from '../../src/lib/usage-error.ts';
import { renderExample } from '../../src/lib/scaffold/example.ts';
import { AGNHOST_IMAGE } from '../../src/lib/pins.ts';
import {
  articleSlugError,
  descriptionError,
  dnsLabelError,
  exampleListError,
  exampleSlugError,
  kindError,
  orderError,
  topicError,
} from '../../src/lib/scaffold/validate.ts';
import { AlreadyExistsError, createFileAtomic, createFolderAtomic } from '../../src/lib/scaffold/write.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const tsx = path.join(repo, 'node_modules', '.bin', 'tsx');
let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'scaffold-test-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

function freshTree(name: string) {
  const root = path.join(tmp, name);
  const examples = path.join(root, 'examples');
  const content = path.join(root, 'content');
  mkdirSync(examples, { recursive: true });
  mkdirSync(path.join(content, 'guides'), { recursive: true });
  return { root, examples, content };
}

type Obj = Record<string, any>;
function podSpecs(docs: unknown[]): Obj[] {
  return (docs as Obj[]).flatMap((d) => (d.kind === 'Pod' ? [d.spec] : d.spec?.template?.spec ? [d.spec.template.spec] : []));
}

describe('example template', () => {
  for (const kind of ['server-client', 'networkpolicy'] as const) {
    describe(kind, () => {
      let ex: ReturnType<typeof loadExample>;
      beforeAll(() => {
        const t = freshTree(`tpl-${kind}`);
        createFolderAtomic(path.join(t.examples, 'demo', `demo-${kind}`), renderExample({ title: 'A: title', summary: 'Shows something worth showing.', kind }));
        ex = loadExample(t.examples, `demo/demo-${kind}`);
      });

      it('loads with loadExample, with the given title and summary', () => {
        expect(ex.spec.title).toBe('A: title');
        expect(ex.spec.summary).toBe('Shows something worth showing.');
        expect(ex.spec.checks.length).toBeGreaterThan(0);
        expect(ex.spec.podSecurity).toBe('restricted');
      });

      it('uses only the pinned agnhost image, with the restricted securityContext, no namespace', () => {
        const docs = ex.files.flatMap((f) => f.documents) as Obj[];
        for (const d of docs) expect(d.metadata?.namespace).toBeUndefined();
        const pods = podSpecs(docs);
        expect(pods.length).toBeGreaterThan(0);
        for (const p of pods) {
          expect(p.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } });
          for (const c of p.containers) {
            expect(c.image).toBe(AGNHOST_IMAGE);
            expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
          }
        }
      });

      it('gives the server a readinessProbe, and every check runs from a pod of the example', () => {
        const docs = ex.files.flatMap((f) => f.documents) as Obj[];
        const deploy = docs.find((d) => d.kind === 'Deployment')!;
        for (const c of deploy.spec.template.spec.containers) expect(c.readinessProbe).toBeDefined();
        const podNames = new Set(docs.filter((d) => d.kind === 'Pod').map((d) => d.metadata.name));
        for (const c of ex.spec.checks) if (c.from) expect(podNames.has(c.from)).toBe(true);
      });

      if (kind === 'networkpolicy') {
        it('has a default-deny policy, an allowed client and a blocked check', () => {
          const docs = ex.files.flatMap((f) => f.documents) as Obj[];
          const policies = docs.filter((d) => d.kind === 'NetworkPolicy');
          const deny = policies.find((p) => Object.keys(p.spec.podSelector).length === 0 && !p.spec.ingress);
          expect(deny?.spec.policyTypes).toContain('Ingress');
          const allow = policies.find((p) => p.spec.ingress);
          const allowedLabels = allow!.spec.ingress[0].from[0].podSelector.matchLabels;
          const client = docs.find((d) => d.kind === 'Pod' && Object.entries(allowedLabels).every(([k, v]) => d.metadata.labels?.[k] === v));
          expect(client).toBeDefined();
          expect(ex.spec.requires).toContain('networkpolicy');
          const blocked = ex.spec.checks.filter(isBlockedCheck);
          expect(blocked.length).toBeGreaterThan(0);
          for (const b of blocked) expect(b.from).not.toBe(client!.metadata.name);
          expect(ex.spec.checks.some((c) => c.from === client!.metadata.name && c.http?.expect !== 'blocked')).toBe(true);
        });
      }
    });
  }
});

describe('article template', () => {
  it('passes the content guard and the content rules, with lastReviewed today and no TODO', () => {
    const t = freshTree('tpl-article');
    createFolderAtomic(path.join(t.examples, 'dns', 'search-path'), renderExample({ title: 'Search path', summary: 'Short names resolve through the search path.', kind: 'server-client' }));
    const ex = loadExample(t.examples, 'dns/search-path');
    const text = renderArticle({ title: 'DNS: how names resolve', description: "How a pod's DNS lookups reach CoreDNS.", order: 4, examples: [{ id: ex.id, title: ex.spec.title }], today: isoDate() });
    const { problems, scanned } = checkArticle('content/guides/dns.mdx', text, indexExamples(t.examples));
    expect(problems).toEqual([]);
    expect(scanned.frontmatter).toMatchObject({ title: 'DNS: how names resolve', sidebar: { order: 4 }, examples: ['dns/search-path'] });
    expect(text).toContain(`lastReviewed: ${isoDate()}`);
    expect(text).not.toMatch(/TODO/i);
    expect(scanned.tags.map((x) => x.path)).toEqual(['dns/search-path']);
    expect(articleRouteFor('dns')).toBe(articleRoute('guides/dns.mdx'));
    expect(checkCommands('a.mdx', text, allowedCommands([ex]))).toEqual([]);
    expect(checkPersonalData('a.mdx', text)).toEqual([]);
  });

  it('without examples has no import and no Example tag, and still passes', () => {
    const text = renderArticle({ title: 'CNI', description: 'What a CNI plugin does when a pod starts.', order: 1, examples: [], today: '2026-01-02' });
    expect(text).not.toContain('import Example');
    expect(checkArticle('x.mdx', text, indexExamples(path.join(tmp, 'none'))).problems).toEqual([]);
  });

  it('orders after the highest existing sidebar order', () => {
    const t = freshTree('order');
    expect(nextSidebarOrder(t.content)).toBe(1);
    writeFileSync(path.join(t.content, 'guides', 'a.mdx'), '---\ntitle: A\nsidebar:\n  order: 7\n---\n');
    writeFileSync(path.join(t.content, 'guides', 'b.mdx'), '---\ntitle: B\n---\n');
    expect(nextSidebarOrder(t.content)).toBe(8);
  });
});

describe('input rules', () => {
  it.each(['a', 'clusterip-basic', 'np-2', 'x'.repeat(63)])('accepts the DNS label %s', (s) => {
    expect(dnsLabelError('slug', s)).toBeUndefined();
  });
  it('rejects an empty slug', () => {
    expect(dnsLabelError('slug', '')).toBe('slug must not be empty');
  });
  it('rejects a slug over 63 characters, saying how long it is', () => {
    expect(dnsLabelError('slug', 'x'.repeat(64))).toBe(`slug "${'x'.repeat(64)}" is 64 characters long; a DNS label has at most 63`);
  });
  it.each(['Bad', 'under_score', '-lead', 'trail-', 'has.dot', 'a/b', 'spa ce'])('rejects %j as not a DNS label', (s) => {
    expect(dnsLabelError('slug', s)).toBe(`slug "${s}" is not a DNS label: use lowercase letters, digits and dashes, starting and ending with a letter or digit (e.g. clusterip-basic)`);
  });

  it('keeps example slugs unique across topics and off cluster namespaces', () => {
    const t = freshTree('unique');
    createFolderAtomic(path.join(t.examples, 'services', 'taken'), renderExample({ title: 't', summary: 'A summary sentence here.', kind: 'server-client' }));
    expect(exampleSlugError('taken', t.examples)).toMatch(/already used by example services\/taken/);
    expect(exampleSlugError('free', t.examples)).toBeUndefined();
    for (const ns of ['default', 'kube-system', 'kube-anything', 'traefik']) expect(exampleSlugError(ns, t.examples)).toMatch(/namespace the cluster uses/);
    expect(topicError('services', t.examples)).toBeUndefined();
    expect(topicError('new-topic', t.examples)).toBeUndefined();
    expect(topicError('New Topic', t.examples)).toBe('topic "New Topic" is not a DNS label: use lowercase letters, digits and dashes, starting and ending with a letter or digit (e.g. clusterip-basic)');
    expect(exampleListError('services/taken', t.examples)).toBeUndefined();
    expect(exampleListError('', t.examples)).toBeUndefined();
    expect(exampleListError('services/missing', t.examples)).toMatch(/npm run new:example/);
    expect(exampleListError('taken', t.examples)).toMatch(/not an example id/);
    expect(exampleListError('services/taken, services/taken', t.examples)).toMatch(/twice/);
  });

  it('checks the other fields', () => {
    expect(articleSlugError('index')).toBe('slug "index" is the section page; pick a name for the article');
    expect(descriptionError('description', 'too short')).toBe('description must be at least one full sentence (20 characters or more)');
    expect(descriptionError('description', 'TODO: write a description later')).toBe('description must not be a TODO placeholder');
    expect(descriptionError('description', 'A sentence that is long enough.')).toBeUndefined();
    expect(orderError('3')).toBeUndefined();
    expect(orderError('three')).toBe('order "three" must be a whole number (the position in the sidebar)');
    expect(kindError('networkpolicy')).toBeUndefined();
    expect(kindError('ingress')).toBe('kind "ingress" must be one of server-client, networkpolicy');
  });
});

describe('writes', () => {
  it('createFileAtomic never overwrites and leaves no temp file', () => {
    const dir = path.join(tmp, 'write-file');
    const f = path.join(dir, 'a.mdx');
    createFileAtomic(f, 'one');
    expect(() => createFileAtomic(f, 'two')).toThrow(AlreadyExistsError);
    expect(readFileSync(f, 'utf8')).toBe('one');
    expect(readdirSync(dir)).toEqual(['a.mdx']);
  });

  it('createFolderAtomic writes the whole folder or nothing', () => {
    const parent = path.join(tmp, 'write-dir', 'topic');
    const dir = path.join(parent, 'slug');
    createFolderAtomic(dir, { 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 2\n' });
    expect(readdirSync(dir).sort()).toEqual(['a.yaml', 'b.yaml']);
    expect(statSync(dir).mode & 0o777).not.toBe(0o700);
    expect(() => createFolderAtomic(dir, { 'c.yaml': 'c: 3\n' })).toThrow(AlreadyExistsError);
    expect(readdirSync(dir).sort()).toEqual(['a.yaml', 'b.yaml']);
    expect(readdirSync(parent)).toEqual(['slug']);
    // A failure half way leaves neither the folder nor a new parent behind.
    const other = path.join(tmp, 'write-dir', 'new-topic', 'x');
    expect(() => createFolderAtomic(other, { 'ok.yaml': '', '../escape.yaml': '' })).toThrow('bad file name ../escape.yaml');
    expect(existsSync(path.join(tmp, 'write-dir', 'new-topic'))).toBe(false);
  });
});

describe('flags and prompts', () => {
  const fields: Field[] = [
    { name: 'slug', label: 'Slug', required: true, validate: (v) => dnsLabelError('slug', v) },
    { name: 'title', label: 'Title', required: true, validate: (v) => (v ? undefined : 'empty') },
    { name: 'order', label: 'Order', required: false, default: () => '5', validate: orderError },
  ];
  const silent = { stdout: new PassThrough(), stderr: new PassThrough() };

  it('parses flags and rejects unknown ones', () => {
    expect(parseFlags(['--slug', 'a', '--title=T'], fields)).toEqual({ help: false, values: { slug: 'a', title: 'T', order: undefined } });
    expect(() => parseFlags(['--nope', 'x'], fields)).toThrow(UsageError);
  });

  it('without a terminal, names the missing required flag', async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: false });
    await expect(resolveFields(fields, { title: 'T' }, { stdin, ...silent })).rejects.toThrow(/--slug/);
    await expect(resolveFields(fields, { slug: 'A_B', title: 'T' }, { stdin, ...silent })).rejects.toThrow(/--slug: .*not a DNS label/);
    await expect(resolveFields(fields, { slug: 'a', title: 'T' }, { stdin, ...silent })).resolves.toEqual({ slug: 'a', title: 'T', order: '5' });
  });

  it('in a terminal, asks for missing values until they are valid, with defaults', async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const answers = ['Not A Label', 'good-slug', ''];
    let shown = '';
    const stdout = new Writable({
      write(chunk, _enc, cb) {
        shown += String(chunk);
        if (String(chunk).endsWith(': ')) setImmediate(() => stdin.write(`${answers.shift()}\n`));
        cb();
      },
    });
    const values = await resolveFields(fields, { title: 'Given' }, { stdin, stdout, stderr: new PassThrough() });
    expect(values).toEqual({ slug: 'good-slug', title: 'Given', order: '5' });
    expect(shown).toContain('not a DNS label');
    expect(shown).toContain('Order [5]: ');
  });
});

describe('the CLIs in a temporary tree', () => {
  let t: ReturnType<typeof freshTree>;
  const run = (script: string, args: string[]) => {
    const r = spawnSync(tsx, [path.join(repo, 'scripts', script), ...args], {
      cwd: repo,
      env: { ...process.env, EXAMPLES_DIR: t.examples, CONTENT_DIR: t.content },
      input: '',
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  beforeAll(() => {
    t = freshTree('cli');
  });

  it('new:example creates a folder that loads, and prints the next steps', () => {
    const r = run('new-example.ts', ['--topic', 'networkpolicy', '--slug', 'deny-demo', '--title', 'Default deny', '--summary', 'Only the labelled client gets through.', '--kind', 'networkpolicy']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('created');
    for (const step of ['npm run check:content', 'npm run validate', 'npm run dev', '<Example path="networkpolicy/deny-demo" />']) expect(r.out).toContain(step);
    const ex = loadExample(t.examples, 'networkpolicy/deny-demo');
    expect(ex.spec.requires).toEqual(['networkpolicy']);
    expect(readdirSync(path.join(t.examples, 'networkpolicy'))).toEqual(['deny-demo']);
  });

  it('new:example refuses a slug another topic already uses (the slug is the namespace)', () => {
    const r = run('new-example.ts', ['--topic', 'services', '--slug', 'deny-demo', '--title', 'T', '--summary', 'Another sentence that is long enough.']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--slug: .*already used by example networkpolicy\/deny-demo/);
    expect(existsSync(path.join(t.examples, 'services'))).toBe(false);
  });

  it('new:article creates an article that passes the content guard', () => {
    const r = run('new-article.ts', ['--slug', 'network-policy', '--title', 'NetworkPolicy', '--description', 'Which pods may talk to which, and how to prove it.', '--order', '6', '--examples', 'networkpolicy/deny-demo']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const file = path.join(t.content, 'guides', 'network-policy.mdx');
    expect(r.out).toContain('network-policy.mdx');
    expect(r.out).toContain('http://localhost:4321/guides/network-policy/');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(`lastReviewed: ${isoDate()}`);
    expect(checkArticle(file, text, indexExamples(t.examples)).problems).toEqual([]);
  });

  it('new:article refuses to overwrite an existing article', () => {
    const file = path.join(t.content, 'guides', 'network-policy.mdx');
    const before = readFileSync(file, 'utf8');
    const r = run('new-article.ts', ['--slug', 'network-policy', '--title', 'Other', '--description', 'A different description, long enough.']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/refusing to overwrite/);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('rejects a bad slug with exit 2 and a message naming the flag', () => {
    const r = run('new-article.ts', ['--slug', 'Bad_Slug', '--title', 'T', '--description', 'A description that is long enough.']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--slug: slug "Bad_Slug" is not a DNS label/);
    expect(readdirSync(path.join(t.content, 'guides'))).toEqual(['network-policy.mdx']);
    const e = run('new-example.ts', ['--topic', 'x', '--slug', 'UPPER', '--title', 'T', '--summary', 'A description that is long enough.']);
    expect(e.code).toBe(2);
    expect(e.err).toMatch(/--slug/);
  });

  it('without a terminal, a missing required flag is a usage error naming it', () => {
    const r = run('new-example.ts', ['--topic', 'x', '--slug', 'y', '--title', 'T']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/missing required flag --summary/);
    const a = run('new-article.ts', ['--slug', 'z']);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/--title, --description/);
  });

  it('rejects an article embedding an example that does not exist', () => {
    const r = run('new-article.ts', ['--slug', 'dns', '--title', 'DNS', '--description', 'How names resolve in a cluster.', '--examples', 'dns/nope']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--examples: no example dns\/nope/);
    expect(existsSync(path.join(t.content, 'guides', 'dns.mdx'))).toBe(false);
  });
});
