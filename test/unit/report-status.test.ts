/**
 * badgeFor: what a page says about an example's cluster run. It must never
 * show a pass it did not see: no report, another hash, another commit all
 * stay short of "verified".
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { PINS } from '../../src/lib/pins.ts';
import { clusterReport, type ClusterReport, type ExampleResult } from '../../src/lib/report/schema.ts';
import { badgeFor, readReport } from '../../src/lib/report/status.ts';

const HASH = 'a'.repeat(64);
const COMMIT = '0123456789abcdef0123456789abcdef01234567';

function result(over: Partial<ExampleResult> = {}): ExampleResult {
  return {
    id: 'services/clusterip-basic',
    contentHash: HASH,
    status: 'passed',
    durationMs: 12_000,
    retries: 1,
    checks: [
      { name: 'reaches', status: 'passed', durationMs: 300, attempts: 1, output: 'HTTP 200' },
      { name: 'resolves', status: 'passed', durationMs: 200, attempts: 2, output: '' },
    ],
    ...over,
  };
}

function report(examples: ExampleResult[], over: Partial<ClusterReport> = {}): ClusterReport {
  return clusterReport.parse({
    schemaVersion: 1,
    commit: COMMIT,
    generatedAt: '2026-11-20T10:11:12Z',
    kubernetesVersion: PINS.K8S_VERSION,
    kindVersion: PINS.KIND_VERSION,
    cni: PINS.CNI,
    examples,
    ...over,
  });
}

describe('no report', () => {
  test('absent report: not-run, never a pass', () => {
    const b = badgeFor(undefined, 'services/clusterip-basic', HASH, COMMIT);
    expect(b).toMatchObject({ state: 'not-run', label: 'not yet run on a cluster' });
    expect(b.result).toBeUndefined();
  });

  test('a report that does not mention the example: not-run', () => {
    expect(badgeFor(report([result({ id: 'dns/other' })]), 'services/clusterip-basic', HASH, COMMIT).state).toBe('not-run');
  });

  test('an empty report: not-run', () => {
    expect(badgeFor(report([]), 'services/clusterip-basic', HASH, COMMIT).state).toBe('not-run');
  });
});

describe('stale results', () => {
  test('hash mismatch: the files changed since the run', () => {
    const b = badgeFor(report([result()]), 'services/clusterip-basic', 'b'.repeat(64), COMMIT);
    expect(b.state).toBe('stale');
    expect(b.label).toBe('stale: changed since last run');
    expect(b.detail).toContain(PINS.K8S_VERSION);
    expect(b.detail).toContain('2026-11-20');
  });

  test('hash mismatch wins over a failed or skipped result too', () => {
    for (const status of ['failed', 'skipped'] as const) {
      expect(badgeFor(report([result({ status })]), 'services/clusterip-basic', 'c'.repeat(64), COMMIT).state).toBe('stale');
    }
  });

  test('commit mismatch: run at another commit', () => {
    const b = badgeFor(report([result()]), 'services/clusterip-basic', HASH, 'f'.repeat(40));
    expect(b.state).toBe('stale');
    expect(b.label).toBe(`stale: run on ${COMMIT.slice(0, 7)}`);
    expect(b.detail).toContain('passed then');
  });

  test('without a known head commit, only the hash decides', () => {
    expect(badgeFor(report([result()]), 'services/clusterip-basic', HASH, undefined).state).toBe('passed');
  });
});

describe('fresh results', () => {
  test('pass: verified on the Kubernetes version, with counts and date', () => {
    const b = badgeFor(report([result()]), 'services/clusterip-basic', HASH, COMMIT);
    expect(b).toMatchObject({ state: 'passed', label: `verified on Kubernetes ${PINS.K8S_VERSION}`, kubernetesVersion: PINS.K8S_VERSION, date: '2026-11-20' });
    expect(b.detail).toBe(`2/2 checks passed on Kubernetes ${PINS.K8S_VERSION} (kind ${PINS.KIND_VERSION}, ${PINS.CNI}) on 2026-11-20.`);
    expect(b.result?.checks).toHaveLength(2);
  });

  test('fail: failing, counting the checks that passed', () => {
    const b = badgeFor(
      report([result({ status: 'failed', checks: [{ name: 'reaches', status: 'failed', durationMs: 5000, attempts: 3, output: 'timeout' }, { name: 'resolves', status: 'passed', durationMs: 100, attempts: 1, output: '' }] })]),
      'services/clusterip-basic',
      HASH,
      COMMIT,
    );
    expect(b).toMatchObject({ state: 'failed', label: `failing on Kubernetes ${PINS.K8S_VERSION}` });
    expect(b.detail).toMatch(/^1\/2 checks passed/);
  });

  test('skipped: says why', () => {
    const b = badgeFor(report([result({ status: 'skipped', reason: 'the cluster has no gateway support', checks: [] })]), 'services/clusterip-basic', HASH, COMMIT);
    expect(b).toMatchObject({ state: 'skipped', label: 'skipped on the cluster' });
    expect(b.detail).toContain('the cluster has no gateway support');
  });

  test('skipped without a reason', () => {
    const b = badgeFor(report([result({ status: 'skipped', checks: [] })]), 'services/clusterip-basic', HASH, COMMIT);
    expect(b.detail).toContain('no reason given');
  });
});

describe('readReport', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'report-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('an absent file is undefined (not run), not an error', () => {
    expect(readReport(path.join(dir, 'absent.json'))).toBeUndefined();
  });

  test('a valid file is parsed, with defaults', () => {
    const file = path.join(dir, 'ok.json');
    const { rejections: _omit, ...raw } = report([result()]);
    writeFileSync(file, JSON.stringify(raw));
    const r = readReport(file)!;
    expect(r.examples[0]!.id).toBe('services/clusterip-basic');
    expect(r.rejections).toEqual([]);
  });

  test('a malformed report is an error naming the file and the field, never "not run"', () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ schemaVersion: 2, commit: COMMIT, examples: [] }));
    expect(() => readReport(file)).toThrow(/bad\.json: not a valid cluster report: .*schemaVersion/);
  });
});
