// The GitHub workflows and the pull-request template. Every workflow: valid
// YAML, actions pinned by full commit SHA with the release in a comment (one
// pin per action across all workflows), dependencies installed the way
// scripts/test.sh does (never a clean install), only commands this checkout
// has, and no version stated that the pin file (scripts/cluster/versions.env)
// pins. Then each workflow's job: pr.yml runs the README's test command, the
// SARIF annotations and the cluster job; cluster.yml (the one cluster job, which
// pr.yml and deploy.yml both call) runs what .ci/run runs, in its order; and
// deploy.yml builds the site with that run's report and publishes it to Pages,
// with write access to Pages only in its deploy job. actionlint checks the rest
// (test/unit/actionlint.test.ts).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { minorOf, PINS, PINS_PATH } from '../../src/lib/pins.ts';
import { REPORT_PATH, siteEnvSchema } from '../../src/lib/site/config.ts';
import vitestConfig from '../../vitest.config.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const read = (rel: string) => readFileSync(path.join(repo, rel), 'utf8');
const workflowsDir = path.join(repo, '.github', 'workflows');

type Step = { name?: string; id?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string>; if?: string };
type Job = {
  'runs-on'?: string;
  needs?: string | string[];
  uses?: string;
  with?: Record<string, unknown>;
  steps?: Step[];
  env?: Record<string, string>;
  permissions?: Record<string, string>;
  environment?: { name: string; url?: string };
};
type Workflow = {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
};

/** One workflow file: its text, its parsed document and its contents. */
function load(file: string) {
  const text = readFileSync(path.join(workflowsDir, file), 'utf8');
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  return { file, where: `.github/workflows/${file}`, text, doc, wf: doc.toJS() as Workflow };
}

const files = readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f));
const all = files.map(load);
const byName = (f: string) => all.find((w) => w.file === f)!;
const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };

const steps = (job: Job) => job.steps ?? [];
const runs = (job: Job) => steps(job).map((s) => s.run ?? '').join('\n');
/** The npm scripts that some lines run, in order (`npm run [--silent] NAME`). */
const npmScripts = (lines: string[]) => lines.flatMap((l) => [...l.matchAll(/npm run (?:--silent )?([\w:-]+)/g)].map((m) => m[1]!));
const stepUsing = (job: Job, action: string) => steps(job).find((s) => s.uses?.startsWith(`${action}@`));

/** .ci/run without comments and blank lines. */
const ciLines = read('.ci/run')
  .split('\n')
  .filter((l) => !/^\s*(#|$)/.test(l));
/** The npm scripts .ci/run runs after the README's test command, in order (cluster:down runs from its EXIT trap). */
const ciSequence = npmScripts(ciLines.filter((l) => !/^\s*trap\b/.test(l)));

it('the workflows are pr.yml, cluster.yml and deploy.yml', () => {
  expect(files.sort()).toEqual(['cluster.yml', 'deploy.yml', 'pr.yml']);
});

describe.each(all.map((w) => [w.where, w] as const))('%s', (where, w) => {
  it('is valid YAML with no duplicate keys', () => {
    expect(w.doc.errors.map((e) => e.message)).toEqual([]);
    expect(w.doc.warnings.map((e) => e.message)).toEqual([]);
  });

  it('grants only read access to the contents by default', () => {
    expect(w.wf.permissions).toEqual({ contents: 'read' });
  });

  it('pins every action by a full commit SHA, with the release in a comment; calls only workflows that exist', () => {
    const uses = Object.values(w.wf.jobs).flatMap((j) => [...steps(j).map((s) => s.uses), j.uses].filter((u): u is string => !!u));
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) {
      if (u.startsWith('./')) expect(existsSync(path.join(repo, u)), u).toBe(true);
      else expect(u).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w.-]+)*@[0-9a-f]{40}$/);
    }
    for (const line of w.text.split('\n').filter((l) => /^\s*(- )?uses:\s*[^.\s]/.test(l))) expect(line).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it('installs the npm dependencies as scripts/test.sh does, never with a clean install', () => {
    expect(w.text).not.toMatch(/\bnpm (ci|clean-install|install-clean)\b/);
    for (const [name, job] of Object.entries(w.wf.jobs)) {
      const all = steps(job);
      const firstNpm = all.findIndex((s) => /\bnpm run\b|\bnpx\b/.test(s.run ?? ''));
      if (firstNpm < 0 || /bash scripts\/test\.sh/.test(runs(job))) continue;
      const install = all.findIndex((s) => s.run?.includes('ensure_deps "$PWD"'));
      expect(install, `${where}: job ${name} runs npm before installing`).toBeGreaterThanOrEqual(0);
      expect(all[install]!.run).toContain('source scripts/lib/node-env.sh');
      expect(install, `${where}: job ${name}`).toBeLessThan(firstNpm);
    }
    // scripts/test.sh installs through the quick start's shared set-up
    expect(read('scripts/test.sh')).toMatch(/^enter_project$/m);
    expect(read('scripts/lib/node-env.sh').split('enter_project() {')[1]?.split('\n}\n')[0]).toContain('ensure_deps "$root"');
  });

  it('only runs npm scripts and vitest projects this checkout has', () => {
    for (const m of w.text.matchAll(/npm run (?:--silent )?([\w:-]+)/g)) expect(pkg.scripts, `npm run ${m[1]}`).toHaveProperty(m[1]!);
    const projects = (vitestConfig.test?.projects ?? []).map((p) => (typeof p === 'object' && p && 'test' in p ? p.test?.name : undefined));
    for (const m of w.text.matchAll(/--project[ =]([\w-]+)/g)) expect(projects, `vitest --project ${m[1]}`).toContain(m[1]);
  });

  it('names no version of its own for what the pin file pins (one cluster definition: scripts/cluster/up.sh)', () => {
    // Pinned values, their minor versions, and anything version-like outside the `uses:` release comments.
    const withoutUses = w.text
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
    // No second cluster: no registry node image, no kind action, no Helm chart, no CRDs from a URL.
    for (const other of ['kindest/node', 'kind-action', 'helm ', 'standard-install.yaml', 'KIND_VERSION', 'GATEWAY_API_VERSION', 'TRAEFIK']) {
      expect(w.text, `${where} contains ${other}`).not.toContain(other);
    }
    for (const job of Object.values(w.wf.jobs)) {
      for (const k of Object.keys(job.env ?? {})) expect(k, `${where}: env ${k}`).not.toMatch(/KIND|NODE_IMAGE|KUBE|K8S|GATEWAY|TRAEFIK|AGNHOST|VERSION/);
    }
  });
});

describe('all workflows together', () => {
  it('pin each action to one commit and release', () => {
    const pins = new Map<string, Set<string>>();
    for (const w of all) {
      for (const m of w.text.matchAll(/uses:\s*([\w.-]+\/[\w.-]+)(?:\/[\w./-]+)?@([0-9a-f]{40}) # (v\S+)/g)) {
        if (!pins.has(m[1]!)) pins.set(m[1]!, new Set());
        pins.get(m[1]!)!.add(`${m[2]} ${m[3]}`);
      }
    }
    expect(pins.size).toBeGreaterThan(0);
    for (const [action, seen] of pins) expect([...seen], action).toHaveLength(1);
  });

  it('grant write access only where it is needed: security events to pr.yml annotate, Pages and OIDC tokens to deploy.yml deploy', () => {
    const writers: string[] = [];
    for (const w of all) {
      for (const [name, job] of Object.entries(w.wf.jobs)) {
        for (const [scope, level] of Object.entries(job.permissions ?? {})) if (level !== 'read' && level !== 'none') writers.push(`${w.file}:${name}:${scope}:${level}`);
      }
    }
    expect(writers.sort()).toEqual(['deploy.yml:deploy:id-token:write', 'deploy.yml:deploy:pages:write', 'pr.yml:annotate:security-events:write']);
  });
});

describe('.github/workflows/pr.yml', () => {
  const { wf } = byName('pr.yml');

  it('runs on pull_request', () => {
    expect(Object.keys(wf.on)).toEqual(['pull_request']);
  });

  it('job site: ubuntu-latest, checkout, Node 24, the README test command (which .ci/run runs first)', () => {
    const site = wf.jobs.site!;
    expect(site['runs-on']).toBe('ubuntu-latest');
    expect(stepUsing(site, 'actions/checkout')).toBeDefined();
    expect(String(stepUsing(site, 'actions/setup-node')?.with?.['node-version'])).toBe('24');
    expect(runs(site)).toContain('bash scripts/test.sh');
    expect(existsSync(path.join(repo, 'scripts', 'test.sh'))).toBe(true);
    const first = ciLines.findIndex((l) => l.includes('bash scripts/test.sh'));
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(ciLines.findIndex((l) => /npm run/.test(l)));
  });

  it('job annotate: the validator\'s SARIF for the examples, uploaded to code scanning', () => {
    const job = wf.jobs.annotate!;
    expect(job.permissions).toEqual({ contents: 'read', 'security-events': 'write', actions: 'read' });
    const validate = steps(job).findIndex((s) => s.run?.includes('npm run --silent validate -- --format sarif examples > validate.sarif'));
    expect(validate).toBeGreaterThanOrEqual(0);
    const upload = steps(job).findIndex((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload).toBeGreaterThan(validate);
    expect(steps(job)[upload]!.with?.sarif_file).toBe('validate.sarif');
  });

  it('job cluster: after site, the one cluster job (cluster.yml)', () => {
    expect(wf.jobs.cluster).toEqual({ name: 'cluster', needs: 'site', uses: './.github/workflows/cluster.yml' });
  });
});

describe('.github/workflows/cluster.yml (called by pr.yml and deploy.yml)', () => {
  const { wf, text } = byName('cluster.yml');
  const job = wf.jobs.cluster!;
  const inputs = (wf.on.workflow_call as { inputs: Record<string, { default: string }>; outputs: Record<string, { value: string }> }) ?? {};

  it('is only called by other workflows', () => {
    expect(Object.keys(wf.on)).toEqual(['workflow_call']);
    expect(Object.keys(wf.jobs)).toEqual(['cluster']);
  });

  it('.ci/run runs the cluster tier: cluster:up first, the Go tests, the smoke test, every example, cluster:down from its EXIT trap', () => {
    expect(ciSequence[0]).toBe('cluster:up');
    expect(ciSequence).toEqual(expect.arrayContaining(['test:go', 'test:cluster:smoke', 'test:conformance']));
    // Every example runs on the cluster: `test:cluster`, or `site:release`, which runs it and builds the site with its report.
    expect(ciSequence.some((s) => s === 'test:cluster' || s === 'site:release')).toBe(true);
    expect(read('.ci/run')).toMatch(/trap '[^']*npm run (--silent )?cluster:down/);
  });

  it('runs the npm scripts .ci/run runs, in the same order, then cluster:down whatever happened', () => {
    expect(npmScripts(steps(job).filter((s) => !s.if).map((s) => s.run ?? ''))).toEqual(ciSequence);
    const down = steps(job).find((s) => s.run?.includes('npm run --silent cluster:down'));
    expect(down?.if).toBe('always()');
    expect(steps(job).indexOf(down!)).toBe(steps(job).length - 1);
  });

  it('keeps reports/ as the artifact its caller names, whatever happened', () => {
    const upload = stepUsing(job, 'actions/upload-artifact')!;
    expect(upload.if).toBe('always()');
    expect(upload.with?.name).toBe('${{ inputs.report-artifact }}');
    expect(String(upload.with?.path).trim().split('\n')).toEqual([REPORT_PATH, 'reports/conformance.json']);
    expect(inputs.inputs['report-artifact']?.default).toMatch(/^[\w-]+$/);
    expect(inputs.outputs['report-artifact']?.value).toBe('${{ inputs.report-artifact }}');
    expect(text).not.toContain('npm ci');
  });
});

describe('.github/workflows/deploy.yml', () => {
  const { wf } = byName('deploy.yml');
  const site = wf.jobs.site!;

  it('runs on pushes to main and by hand, one deployment at a time', () => {
    expect(wf.on).toEqual({ push: { branches: ['main'] }, workflow_dispatch: null });
    expect(wf.concurrency).toEqual({ group: 'pages', 'cancel-in-progress': false });
  });

  it('job cluster: the one cluster job (cluster.yml), as pr.yml runs it', () => {
    expect(wf.jobs.cluster).toEqual({ name: 'cluster', uses: './.github/workflows/cluster.yml' });
  });

  it('job site: builds the site with the cluster run\'s report, SITE_URL from the Pages settings and REPO_URL of this repository', () => {
    expect(site.needs).toBe('cluster');
    const all = steps(site);
    const download = all.findIndex((s) => s.uses?.startsWith('actions/download-artifact@'));
    expect(all[download]!.with).toEqual({ name: '${{ needs.cluster.outputs.report-artifact }}', path: path.dirname(REPORT_PATH) });
    const pages = all.findIndex((s) => s.uses?.startsWith('actions/configure-pages@'));
    expect(all[pages]!.id).toBe('pages');
    const build = all.findIndex((s) => s.run?.trim() === 'npm run --silent build');
    expect(build).toBeGreaterThan(download);
    expect(build).toBeGreaterThan(pages);
    expect(all[build]!.env).toEqual({ SITE_URL: '${{ steps.pages.outputs.base_url }}', REPO_URL: '${{ github.server_url }}/${{ github.repository }}' });
    // Those are the variables the site reads (src/lib/site/config.ts), with no other name.
    for (const name of ['SITE_URL', 'REPO_URL']) expect(Object.keys(siteEnvSchema.shape)).toContain(name);
    // A Pages site under a path (/<repository>/) is refused before the build, with a message.
    const guard = all.findIndex((s) => s.env?.BASE_PATH === '${{ steps.pages.outputs.base_path }}');
    expect(guard).toBeGreaterThan(pages);
    expect(guard).toBeLessThan(build);
    expect(all[guard]!.run).toMatch(/::error::.*exit 1/s);
    // The build half of npm run site:release, with the release test after it.
    expect(pkg.scripts['site:release']).toMatch(/npm run (--silent )?build && npm run (--silent )?test:release$/);
    const release = all.findIndex((s) => s.run?.trim() === 'npm run --silent test:release');
    expect(release).toBeGreaterThan(build);
    const upload = all.findIndex((s) => s.uses?.startsWith('actions/upload-pages-artifact@'));
    expect(upload).toBeGreaterThan(release);
    expect(all[upload]!.with).toEqual({ path: 'dist' });
  });

  it('job deploy: publishes that artifact, the only job with Pages write and OIDC token access', () => {
    const deploy = wf.jobs.deploy!;
    expect(deploy.needs).toBe('site');
    expect(deploy.permissions).toEqual({ pages: 'write', 'id-token': 'write' });
    expect(deploy.environment).toEqual({ name: 'github-pages', url: '${{ steps.deployment.outputs.page_url }}' });
    expect(steps(deploy).map((s) => s.uses?.split('@')[0])).toEqual(['actions/deploy-pages']);
    expect(steps(deploy)[0]!.id).toBe('deployment');
  });
});

describe('.github/pull_request_template.md', () => {
  const template = read('.github/pull_request_template.md');
  it('has the checklist', () => {
    for (const item of ['npm run check:content', 'npm run validate', 'bash scripts/test.sh', 'Examples changed', 'upstream Kubernetes documentation']) {
      expect(template).toContain(item);
    }
    expect(template.match(/^- \[ \] /gm)?.length).toBeGreaterThanOrEqual(5);
  });
});
