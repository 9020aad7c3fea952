/**
 * `npm run validate -- --explain`: the predicted reachability matrix in the
 * terminal, for an example folder with `reachability` and for a reader's
 * own loose files. Runs the CLI as a reader does (the launcher and its
 * bundle).
 */
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { examplesRoot, loadAllExamples } from '../../src/lib/examples/load.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIX = 'test/fixtures/explain';
const EXAMPLE = 'test/fixtures/examples/reachability/networkpolicy/np-fixture-from-ns';

function validate(args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'validate.mjs'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run validate -- --explain', () => {
  // A fresh clone's first call builds the CLI bundle and says so on stderr.
  beforeAll(() => {
    const warm = validate(['--explain', '--help']);
    expect(warm.status, warm.stderr + warm.stdout).toBe(0);
  }, 120_000);

  it('prints an example folder\'s declared matrix, and why each blocked cell is blocked', () => {
    const r = validate(['--explain', EXAMPLE]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      [
        'client \\ server               web:8080/TCP',
        '----------------------------  ------------',
        'client                        blocked',
        'np-fixture-from-ns-ops/mon    allowed',
        'np-fixture-from-ns-ops/batch  blocked',
      ].join('\n'),
    );
    expect(r.stdout).toContain('  np-fixture-from-ns-ops/batch -> web 8080/TCP\n');
    expect(r.stdout).toContain('web-from-ops-monitoring ingress rule 1: namespaceSelector {team: ops} AND podSelector {type: monitoring}: labels of np-fixture-from-ns-ops/batch do not match the podSelector');
  });

  it('prints the matrix of every example in examples/ that declares one', () => {
    const dirs = loadAllExamples(examplesRoot()).filter((e) => e.spec.reachability).map((e) => path.relative(ROOT, e.dir));
    if (dirs.length === 0) return;
    const r = validate(['--explain', '--format', 'json', ...dirs]);
    expect(r.status, r.stdout).toBe(0);
    const out = JSON.parse(r.stdout) as { matrices: { source: string; matrix: { cells: unknown[] } }[]; problems: unknown[] };
    expect(out.problems).toEqual([]);
    expect(out.matrices.map((m) => m.source)).toEqual(dirs);
    for (const m of out.matrices) expect(m.matrix.cells.length, m.source).toBeGreaterThan(0);
  });

  it('reads a reader\'s loose files together: pods and workload templates are clients and servers on their own ports', () => {
    const r = validate(['--explain', `${FIX}/pods.yaml`, `${FIX}/policies.yaml`]);
    expect(r.status).toBe(0);
    // Every cell is checked in the JSON test below; here, the layout.
    expect(r.stdout).toContain('client \\ server        Deployment/web:8080/TCP  Deployment/web:9090/TCP\n');
    expect(r.stdout).toContain('\nmonitoring/prometheus  blocked                  allowed\n');
    expect(r.stdout).toContain('not probed (no containerPorts): frontend, monitoring/prometheus');
    // The Namespace object's label is what lets prometheus in on the metrics port.
    expect(r.stdout).toContain('named port http is 8080 on Deployment/web, not 9090');
  });

  it('puts objects without a namespace into --namespace', () => {
    const r = validate(['--explain', '--namespace', 'shop', `${FIX}/pods.yaml`, `${FIX}/policies.yaml`]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('namespace shop of frontend does not match the namespaceSelector');
  });

  it('gives the matrix as JSON with --format json', () => {
    const r = validate(['--explain', '--format', 'json', FIX + '/pods.yaml', FIX + '/policies.yaml']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { matrices: { matrix: { cells: { client: string; server: string; port: number; verdict: string }[] } }[] };
    const cells = out.matrices[0]!.matrix.cells.map((c) => `${c.client}>${c.server}:${c.port} ${c.verdict}`);
    expect(cells).toEqual([
      'Deployment/web>Deployment/web:8080 blocked',
      'Deployment/web>Deployment/web:9090 blocked',
      'frontend>Deployment/web:8080 allowed',
      'frontend>Deployment/web:9090 blocked',
      'monitoring/prometheus>Deployment/web:8080 blocked',
      'monitoring/prometheus>Deployment/web:9090 allowed',
    ]);
  });

  it('exits 1 with a located problem when a prediction would depend on a pod\'s IP', () => {
    const r = validate(['--explain', `${FIX}/ambiguous.yaml`]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`${FIX}/ambiguous.yaml:20:20  error  reachability-predict  NetworkPolicy half-the-pods: ipBlock 10.244.0.0/17 contains only part of POD_SUBNET`);
    expect(r.stdout).not.toMatch(/\bat .*\.(ts|js|mjs):\d+/);
  });

  it('exits 2 on a usage error, without a stack trace', () => {
    for (const args of [['--explain', '--format', 'sarif', FIX], ['--explain'], ['--explain', `${FIX}/missing.yaml`]]) {
      const r = validate(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^validate: /);
      expect(r.stderr).not.toMatch(/\bat .*\.(ts|js|mjs):\d+/);
    }
  });

  it('the validator reports a breaks: [] mutation that flips no cell (rule reachability-predict), at the mutation', () => {
    const r = validate(['test/fixtures/examples/reachability-bad/networkpolicy/np-fixture-no-flip']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('test/fixtures/examples/reachability-bad/networkpolicy/np-fixture-no-flip/example.yaml:22:13  error  reachability-predict  mutation "the client is relabelled" breaks no check and flips no predicted reachability cell');
  });
});
