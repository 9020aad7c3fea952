/**
 * The cluster runner (npm run test:cluster) on the real cluster
 * (npm run cluster:up first): its checks can fail, and an interrupted run
 * leaves nothing behind.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument, type Scalar, type YAMLSeq } from 'yaml';
import { loadExample } from '../../src/lib/examples/load.ts';
import { applyMutation } from '../../src/lib/examples/mutate.ts';
import { cellKey } from '../../src/lib/netpol/index.ts';
import { flippedCells, predictMatrix } from '../../src/lib/runner/reachability.ts';
import type { ClusterReport } from '../../src/lib/report/schema.ts';
import { clusterEnv, root, tsx } from '../support/cluster-env.ts';

const env = clusterEnv;
const work = mkdtempSync(path.join(tmpdir(), 'runner-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function runRunner(examplesDir: string, ids: string[], reportName: string) {
  const report = path.join(work, reportName);
  const r = spawnSync(tsx, ['scripts/test-cluster.ts', '--report', report, ...ids], {
    cwd: root,
    env: { ...env, EXAMPLES_DIR: examplesDir },
    encoding: 'utf8',
    timeout: 600_000,
  });
  let parsed: ClusterReport | undefined;
  try {
    parsed = JSON.parse(readFileSync(report, 'utf8'));
  } catch {}
  return { status: r.status, output: r.stdout + r.stderr, report: parsed };
}

function kubectl(args: string[]): string {
  return spawnSync(env.KUBECTL, args, { env, encoding: 'utf8' }).stdout;
}

describe('removing the NetworkPolicy from an example', () => {
  const id = 'networkpolicy/np-default-deny-ingress';

  it('the example as published passes, with its blocked checks blocked', () => {
    const r = runRunner(path.join(root, 'examples'), [id], 'as-published.json');
    expect(r.status, r.output).toBe(0);
    const ex = r.report!.examples[0]!;
    expect(ex.status).toBe('passed');
    expect(ex.checks.every((c) => c.status === 'passed')).toBe(true);
  });

  it('without its NetworkPolicy the run fails, on exactly the checks that must be blocked', () => {
    // A copy of the example whose spec no longer applies the policy file.
    const examples = path.join(work, 'examples');
    cpSync(path.join(root, 'examples', id), path.join(examples, id), { recursive: true });
    const specPath = path.join(examples, id, 'example.yaml');
    const spec = parseDocument(readFileSync(specPath, 'utf8'));
    const manifests = spec.get('manifests') as YAMLSeq;
    const policy = manifests.items.findIndex((m) => String((m as Scalar).value) === 'networkpolicy.yaml');
    expect(policy).toBeGreaterThanOrEqual(0);
    manifests.delete(policy);
    // Its mutations name the policy file (one removes it), so they go too: the
    // run below is the example with the policy already broken.
    spec.delete('mutations');
    writeFileSync(specPath, spec.toString());

    const r = runRunner(examples, [id], 'without-policy.json');
    expect(r.status, r.output).toBe(1);
    const ex = r.report!.examples[0]!;
    expect(ex.status).toBe('failed');
    const failed = ex.checks.filter((c) => c.status === 'failed').map((c) => c.name);
    // Exactly the checks the spec says its "remove networkpolicy.yaml" mutation breaks, in check order.
    const published = loadExample(path.join(root, 'examples'), id).spec;
    const breaks = published.mutations.find((m) => m.remove === 'networkpolicy.yaml')?.breaks ?? [];
    expect(breaks.length).toBeGreaterThan(0);
    expect(failed).toEqual(published.checks.map((c) => c.name).filter((n) => breaks.includes(n)));
    // The checks that do not depend on the policy still pass: the failure is the policy's absence.
    expect(ex.checks.filter((c) => c.status === 'passed').map((c) => c.name)).toEqual(published.checks.map((c) => c.name).filter((n) => !breaks.includes(n)));
    expect(ex.diagnostics).toContain('### events');
  });
});

describe('an example with an extra namespace and a reachability matrix', () => {
  const id = 'networkpolicy-recipes/np-recipe-deny-other-namespaces';

  it('passes with every cell as predicted, and each mutation measures the cells its change flips', () => {
    const example = loadExample(path.join(root, 'examples'), id);
    const r = runRunner(path.join(root, 'examples'), [id], 'matrix.json');
    expect(r.status, r.output).toBe(0);
    const ex = r.report!.examples[0]!;
    const decl = example.spec.reachability!;
    expect(ex.reachability?.status).toBe('passed');
    expect(ex.reachability!.cells).toHaveLength(decl.clients.length * decl.servers.length * decl.ports.length);
    const base = predictMatrix(example, example.files);
    if (!base?.ok) throw new Error('the example has no predicted matrix');
    const measured = (cells: { client: string; server: string; port: number; protocol: 'TCP' | 'UDP'; measured: string }[]) => new Map(cells.map((c) => [cellKey(c), c.measured]));
    const asPublished = measured(ex.reachability!.cells);
    expect(ex.mutations).toHaveLength(example.spec.mutations.length);
    example.spec.mutations.forEach((m, i) => {
      const mr = ex.mutations[i]!;
      expect(mr.reachability?.status, `${m.name}: ${mr.reason}`).toBe('passed');
      const mutated = applyMutation(example, i);
      const predicted = mutated.ok ? predictMatrix(example, mutated.files) : undefined;
      if (!predicted?.ok) throw new Error(`no prediction for mutation ${m.name}`);
      // The cells the cluster answered differently are exactly those the evaluator says the change flips.
      const flipped = measured(mr.reachability!.cells);
      const changed = [...flipped].filter(([k, v]) => asPublished.get(k) !== v).map(([k]) => k);
      expect(changed, m.name).toEqual(flippedCells(base.matrix, predicted.matrix).map((line) => line.slice(0, line.lastIndexOf(':'))));
    });
    // Both namespaces of the example and of each mutation are gone.
    const left = kubectl(['get', 'ns', '-o', 'name']).split('\n').filter((n) => n.startsWith(`namespace/${example.slug}`));
    expect(left).toEqual([]);
    // The example and each mutation run one after another, each with its namespaces: longer than one example.
  }, 420_000);
});

describe('interrupting a run', () => {
  it('Ctrl-C deletes the namespaces the run created and leaves no kubectl running', async () => {
    const child = spawn(tsx, ['scripts/test-cluster.ts', '--report', path.join(work, 'interrupted.json'), 'dns/dns-statefulset-pods'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    // Wait until the run has made its namespace, then interrupt it mid-example.
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline && !kubectl(['get', 'ns', '-l', 'k8s-networking-proven.dev/run', '-o', 'name']).includes('dns-statefulset-pods')) {
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(kubectl(['get', 'ns', '-l', 'k8s-networking-proven.dev/run', '-o', 'name']), out).toContain('dns-statefulset-pods');
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, out).toBe(130);
    expect(out).toContain('interrupted (SIGINT)');
    // Deleted, not just terminating: the runner waits for the deletion to finish.
    expect(kubectl(['get', 'ns', '-l', 'k8s-networking-proven.dev/run', '-o', 'name'])).not.toContain('dns-statefulset-pods');
    const stray = spawnSync('pgrep', ['-f', 'kubectl.*dns-statefulset-pods'], { encoding: 'utf8' }).stdout.trim();
    expect(stray).toBe('');
    // No partial report.
    expect(() => readFileSync(path.join(work, 'interrupted.json'))).toThrow();
  });
});
