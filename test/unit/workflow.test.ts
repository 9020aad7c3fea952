// The pull-request workflow and template: valid YAML, actions pinned by SHA,
// the commands they run exist in this checkout, the cluster job runs what
// .ci/run runs, and no version is stated here or there that the pin file
// (scripts/cluster/versions.env) pins.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { minorOf, PINS, PINS_PATH } from '../../src/lib/pins.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const workflowPath = path.join(repo, '.github', 'workflows', 'pr.yml');
const text = readFileSync(workflowPath, 'utf8');
const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
type Step = { name?: string; uses?: string; run?: string; with?: Record<string, unknown>; if?: string };
type Job = { 'runs-on': string; needs?: string | string[]; steps: Step[]; env?: Record<string, string> };
const wf = doc.toJS() as { on: Record<string, unknown>; jobs: Record<string, Job>; permissions?: Record<string, string> };
const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

const runs = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');

describe('.github/workflows/pr.yml', () => {
  it('is valid YAML with no duplicate keys', () => {
    expect(doc.errors.map((e) => e.message)).toEqual([]);
    expect(doc.warnings.map((e) => e.message)).toEqual([]);
  });

  it('runs on pull_request with read-only permissions', () => {
    expect(Object.keys(wf.on)).toEqual(['pull_request']);
    expect(wf.permissions).toEqual({ contents: 'read' });
  });

  it('pins every action by a full commit SHA, with the release in a comment', () => {
    const uses = Object.values(wf.jobs).flatMap((j) => j.steps.filter((s) => s.uses).map((s) => s.uses!));
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
    for (const line of text.split('\n').filter((l) => /\buses:/.test(l))) expect(line).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it('job site: ubuntu-latest, checkout, Node 24, the README test command', () => {
    const site = wf.jobs.site!;
    expect(site['runs-on']).toBe('ubuntu-latest');
    expect(site.steps.some((s) => s.uses?.startsWith('actions/checkout@'))).toBe(true);
    const node = site.steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(String(node?.with?.['node-version'])).toBe('24');
    expect(runs(site)).toContain('bash scripts/test.sh');
    expect(existsSync(path.join(repo, 'scripts', 'test.sh'))).toBe(true);
  });

  it('job cluster: after site, the entry points of .ci/run in its order, then cluster:down whatever happened', () => {
    const cluster = wf.jobs.cluster!;
    expect(cluster.needs).toBe('site');
    // .ci/run: the README's test command, then the cluster tier; cluster:down runs from its EXIT trap.
    const ci = readFileSync(path.join(repo, '.ci', 'run'), 'utf8');
    const ciLines = ci.split('\n').filter((l) => !/^\s*(#|$)/.test(l));
    expect(ciLines.findIndex((l) => l.includes('bash scripts/test.sh'))).toBeGreaterThanOrEqual(0);
    expect(ciLines.findIndex((l) => l.includes('bash scripts/test.sh'))).toBeLessThan(ciLines.findIndex((l) => /npm run/.test(l)));
    const npmScripts = (lines: string[]) => lines.flatMap((l) => [...l.matchAll(/npm run (?:--silent )?([\w:-]+)/g)].map((m) => m[1]!));
    const ciSequence = npmScripts(ciLines.filter((l) => !/^\s*trap\b/.test(l)));
    expect(ciSequence).toEqual(['cluster:up', 'test:go', 'test:cluster:smoke', 'test:cluster', 'test:conformance']);
    expect(ci).toMatch(/trap '[^']*npm run (--silent )?cluster:down/);
    // The site job ran the README's test command; the cluster job runs the same npm scripts, in the same order.
    expect(runs(wf.jobs.site!)).toContain('bash scripts/test.sh');
    const steps = cluster.steps.filter((st) => !st.if);
    expect(npmScripts(steps.map((st) => st.run ?? ''))).toEqual(ciSequence);
    const down = cluster.steps.find((st) => st.run?.includes('npm run --silent cluster:down'));
    expect(down?.if).toBe('always()');
    expect(cluster.steps.indexOf(down!)).toBe(cluster.steps.length - 1);
  });

  it('job cluster: installs the npm dependencies as scripts/test.sh does, never with npm ci', () => {
    const cluster = wf.jobs.cluster!;
    expect(text).not.toContain('npm ci');
    for (const job of Object.values(wf.jobs)) expect(runs(job)).not.toMatch(/\bnpm (ci|clean-install|install-clean)\b/);
    const install = cluster.steps.findIndex((st) => st.run?.includes('ensure_deps "$PWD"'));
    expect(install).toBeGreaterThanOrEqual(0);
    expect(cluster.steps[install]!.run).toContain('source scripts/lib/node-env.sh');
    expect(readFileSync(path.join(repo, 'scripts', 'test.sh'), 'utf8')).toMatch(/ensure_deps "\$root"/);
    expect(install).toBeLessThan(cluster.steps.findIndex((st) => st.run?.includes('npm run --silent cluster:up')));
  });

  it('names no version of its own for what the pin file pins (one cluster definition: scripts/cluster/up.sh)', () => {
    const dir = path.join(repo, '.github', 'workflows');
    const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
    expect(files).toContain('pr.yml');
    for (const f of files) {
      const wfText = readFileSync(path.join(dir, f), 'utf8');
      const where = `.github/workflows/${f}`;
      // Pinned values, their minor versions, and anything version-like outside the `uses:` release comments.
      const withoutUses = wfText
        .split('\n')
        .filter((l) => !/\buses:/.test(l))
        .join('\n');
      for (const [key, value] of Object.entries(PINS)) {
        if (!/\d+\.\d+/.test(value)) continue;
        expect(withoutUses, `${where} states ${key}=${value} of ${PINS_PATH}`).not.toContain(value);
        const minor = minorOf(value).replace(/^v/, '').replace(/\./g, '\\.');
        expect(withoutUses, `${where} states ${key}'s minor ${minorOf(value)} of ${PINS_PATH}`).not.toMatch(new RegExp(`(^|[^\\w.])v?${minor}(?!\\w)`));
      }
      expect(withoutUses, `${where} states a version`).not.toMatch(/\bv?\d+\.\d+\.\d+\b/);
      // No second cluster: no registry node image, no kind action, no Helm chart, no CRDs from a URL, no clean install.
      for (const other of ['kindest/node', 'kind-action', 'helm ', 'standard-install.yaml', 'KIND_VERSION', 'GATEWAY_API_VERSION', 'TRAEFIK', 'npm ci']) {
        expect(wfText, `${where} contains ${other}`).not.toContain(other);
      }
      const jobs = (parseDocument(wfText).toJS() as { jobs?: Record<string, Job> }).jobs ?? {};
      for (const job of Object.values(jobs)) {
        for (const k of Object.keys(job.env ?? {})) expect(k, `${where}: env ${k}`).not.toMatch(/KIND|NODE_IMAGE|KUBE|K8S|GATEWAY|TRAEFIK|AGNHOST|VERSION/);
      }
    }
  });

  it('only runs npm scripts this checkout has', () => {
    for (const m of text.matchAll(/npm run (?:--silent )?([\w:-]+)/g)) expect(pkg.scripts, `npm run ${m[1]}`).toHaveProperty(m[1]!);
  });
});

describe('.github/pull_request_template.md', () => {
  const template = readFileSync(path.join(repo, '.github', 'pull_request_template.md'), 'utf8');
  it('has the checklist', () => {
    for (const item of ['npm run check:content', 'npm run validate', 'bash scripts/test.sh', 'Examples changed', 'upstream Kubernetes documentation']) {
      expect(template).toContain(item);
    }
    expect(template.match(/^- \[ \] /gm)?.length).toBeGreaterThanOrEqual(5);
  });
});
