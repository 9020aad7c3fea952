/**
 * What the reachability grid shows (src/lib/report/reachability-view.ts):
 * the predicted matrix always; a measurement only from a current result
 * (never from a stale one, a skipped one, or a run that measured nothing);
 * a cell that differs from its prediction marked and counted.
 */
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadExample } from '../../src/lib/examples/load.ts';
import { cellKey } from '../../src/lib/netpol/index.ts';
import { expectedEnvironment } from '../../src/lib/report/environment.ts';
import { podLabel, predictedMatrix, reachabilityGrid } from '../../src/lib/report/reachability-view.ts';
import type { ClusterReport, ExampleResult, ReachabilityCell } from '../../src/lib/report/schema.ts';
import { badgeFor } from '../../src/lib/report/status.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
// A recipe with an extra namespace, so labels of both kinds occur.
const example = loadExample(path.join(root, 'examples'), 'networkpolicy-recipes/np-recipe-allow-from-namespace');
const matrix = predictedMatrix(example)!;

function report(result: Partial<ExampleResult>): ClusterReport {
  return {
    schemaVersion: 1,
    commit: 'unit',
    generatedAt: '2026-11-30T08:00:00Z',
    environment: expectedEnvironment(),
    rejections: [],
    examples: [{ id: example.id, contentHash: example.contentHash, status: 'passed', durationMs: 1, retries: 0, checks: [], mutations: [], ...result }],
  } as ClusterReport;
}

/** Every predicted cell as measured, with `override` for some keys. */
function measuredCells(override: Record<string, ReachabilityCell['measured']> = {}): ReachabilityCell[] {
  return matrix.cells.map((c) => ({ client: c.client, server: c.server, port: c.port, protocol: c.protocol, predicted: c.verdict, measured: override[cellKey(c)] ?? c.verdict, output: '' }));
}

describe('podLabel', () => {
  test('a bare name is a pod of the example namespace; <namespace>/<pod> names the namespace', () => {
    expect(podLabel('web')).toEqual({ ref: 'web', pod: 'web' });
    expect(podLabel('demo-ops/monitor')).toEqual({ ref: 'demo-ops/monitor', pod: 'monitor', namespace: 'demo-ops' });
  });
});

describe('predictedMatrix', () => {
  test('an example without reachability has none', () => {
    const plain = loadExample(path.join(root, 'examples'), 'networkpolicy/np-allow-from-label');
    expect(predictedMatrix(plain)).toBeUndefined();
  });

  test("the recipe's matrix has an allowed and a blocked cell", () => {
    expect(new Set(matrix.cells.map((c) => c.verdict))).toEqual(new Set(['allowed', 'blocked']));
  });
});

describe('reachabilityGrid', () => {
  test('rows are the clients and columns each server on each port, in declared order, with the predicted verdicts', () => {
    const g = reachabilityGrid(matrix, badgeFor(undefined, example.id, example.contentHash));
    expect(g.rows.map((r) => r.client.ref)).toEqual(matrix.clients);
    expect(g.columns.map((c) => `${c.server.ref} ${c.port}/${c.protocol}`)).toEqual(matrix.servers.flatMap((s) => matrix.ports.map((p) => `${s} ${p.port}/${p.protocol}`)));
    expect(g.rows.flatMap((r) => r.cells.map((c) => [c.key, c.predicted]))).toEqual(matrix.cells.map((c) => [cellKey(c), c.verdict]));
    expect(g.rows.flatMap((r) => r.cells).every((c) => c.because.length > 0)).toBe(true);
  });

  test('without a report: no measurement, and the caption says it was not measured', () => {
    const g = reachabilityGrid(matrix, badgeFor(undefined, example.id, example.contentHash));
    expect(g.measured).toEqual({ state: 'none', text: 'not yet measured on a cluster' });
    expect(g.rows.flatMap((r) => r.cells).some((c) => c.measured !== undefined || !c.agrees)).toBe(false);
  });

  test('a current run that measured every cell as predicted: each cell carries it, none differs', () => {
    const g = reachabilityGrid(matrix, badgeFor(report({ reachability: { status: 'passed', cells: measuredCells() } }), example.id, example.contentHash));
    expect(g.measured).toMatchObject({ state: 'measured', disagreements: 0 });
    expect(g.measured.state === 'measured' && g.measured.caption).toContain('every cell as predicted');
    for (const c of g.rows.flatMap((r) => r.cells)) expect([c.measured, c.agrees]).toEqual([c.predicted, true]);
  });

  test('a cell measured otherwise (or refused) is marked and counted', () => {
    const [a, b] = matrix.cells;
    const cells = measuredCells({ [cellKey(a!)]: a!.verdict === 'allowed' ? 'blocked' : 'allowed', [cellKey(b!)]: 'refused' });
    const g = reachabilityGrid(matrix, badgeFor(report({ status: 'failed', reachability: { status: 'failed', cells } }), example.id, example.contentHash));
    expect(g.measured).toMatchObject({ state: 'measured', disagreements: 2 });
    expect(g.measured.state === 'measured' && g.measured.caption).toContain('2 cells differ from the prediction');
    const differing = g.rows.flatMap((r) => r.cells).filter((c) => !c.agrees).map((c) => c.key);
    expect(differing).toEqual([cellKey(a!), cellKey(b!)]);
  });

  test('a stale result shows no measurement, and says why', () => {
    const stale = report({ contentHash: 'other', reachability: { status: 'passed', cells: measuredCells() } });
    const g = reachabilityGrid(matrix, badgeFor(stale, example.id, example.contentHash));
    expect(g.measured.state).toBe('none');
    expect(g.measured.state === 'none' && g.measured.text).toMatch(/^no current measurement: stale/);
    expect(g.rows.flatMap((r) => r.cells).some((c) => c.measured !== undefined)).toBe(false);
  });

  test('a run that measured nothing, or was skipped, shows no measurement', () => {
    for (const r of [report({}), report({ reachability: { status: 'failed', cells: [] } }), report({ status: 'skipped', reachability: { status: 'passed', cells: measuredCells() } })]) {
      expect(reachabilityGrid(matrix, badgeFor(r, example.id, example.contentHash)).measured).toEqual({ state: 'none', text: 'not yet measured on a cluster' });
    }
  });
});
