/**
 * The cluster runner on a reader's cluster (npm run cluster:up first): a
 * namespace that happens to have an example's name, and that the runner did
 * not make, survives a run of that example untouched.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterReport } from '../../src/lib/report/schema.ts';
import { foreignNamespaceReason, RUN_LABEL } from '../../src/lib/runner/namespace.ts';
import { clusterEnv, root, tsx } from '../support/cluster-env.ts';

const env = clusterEnv;
const work = mkdtempSync(path.join(tmpdir(), 'namespace-safety-'));

const id = 'services/clusterip-basic';
const ns = id.split('/')[1]!;
/** Marks the namespace as this test's own, so the test only ever cleans up what it made. */
const TEST_LABEL = 'k8s-networking-proven.dev/test';

function kubectl(args: string[], input?: string) {
  const r = spawnSync(env.KUBECTL, args, { env, encoding: 'utf8', input });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

function deleteOurs() {
  // Only a namespace carrying this test's label (never a reader's, never the runner's).
  kubectl(['delete', 'namespace', '-l', `${TEST_LABEL}=namespace-safety,kubernetes.io/metadata.name=${ns}`, '--wait=true', '--timeout=120s']);
}

let uid = '';

beforeAll(() => {
  const existing = kubectl(['get', 'namespace', ns, '-o', 'name', '--ignore-not-found']);
  if (existing.stdout) {
    deleteOurs();
    expect(kubectl(['get', 'namespace', ns, '-o', 'name', '--ignore-not-found']).stdout, `namespace ${ns} exists and is not this test's; not touching it`).toBe('');
  }
  const made = kubectl(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { [TEST_LABEL]: 'namespace-safety' } } }));
  expect(made.status, made.stderr).toBe(0);
  const cm = kubectl(['create', 'configmap', 'keep-me', '-n', ns, '--from-literal=owner=reader']);
  expect(cm.status, cm.stderr).toBe(0);
  uid = kubectl(['get', 'namespace', ns, '-o', 'jsonpath={.metadata.uid}']).stdout;
  expect(uid).not.toBe('');
});

afterAll(() => {
  deleteOurs();
  rmSync(work, { recursive: true, force: true });
});

describe('a namespace with an example\'s name that the runner did not make', () => {
  it('survives a run of that example: same uid, its objects still there, and the example fails saying why', () => {
    const reportPath = path.join(work, 'report.json');
    const r = spawnSync(tsx, ['scripts/test-cluster.ts', '--report', reportPath, id], { cwd: root, env, encoding: 'utf8', timeout: 600_000 });
    const output = r.stdout + r.stderr;
    expect(r.status, output).toBe(1);
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as ClusterReport;
    const ex = report.examples.find((e) => e.id === id)!;
    expect(ex).toMatchObject({ status: 'failed', reason: foreignNamespaceReason(ns), checks: [], retries: 0 });
    expect(ex.diagnostics).toBeUndefined();

    const after = JSON.parse(kubectl(['get', 'namespace', ns, '-o', 'json']).stdout) as { metadata: { uid: string; labels?: Record<string, string>; deletionTimestamp?: string } };
    expect(after.metadata.uid).toBe(uid);
    expect(after.metadata.deletionTimestamp).toBeUndefined();
    expect(after.metadata.labels?.[RUN_LABEL]).toBeUndefined();
    expect(kubectl(['get', 'configmap', 'keep-me', '-n', ns, '-o', 'jsonpath={.data.owner}']).stdout).toBe('reader');
    // The runner made nothing inside it either: no workloads, no sync request.
    expect(kubectl(['get', 'all,configmaps', '-n', ns, '-o', 'name']).stdout.split('\n').filter((l) => !l.endsWith('/kube-root-ca.crt'))).toEqual(['configmap/keep-me']);
  });
});
