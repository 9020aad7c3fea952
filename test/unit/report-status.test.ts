/**
 * badgeFor and recordedCheck: what a page says about an example's cluster
 * run. It must never show a pass it did not see: no report, another content
 * hash, another or an unrecorded cluster environment all stay short of
 * "verified"; and the commit a report names never matters.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { PINS } from '../../src/lib/pins.ts';
import { expectedEnvironment } from '../../src/lib/report/environment.ts';
import { clusterReport, type ClusterReport, type ExampleResult } from '../../src/lib/report/schema.ts';
import { badgeFor, checkResultText, excerpt, NO_RECORDED_OUTPUT, readReport, recordedCheck, summarizeRun } from '../../src/lib/report/status.ts';

const HASH = 'a'.repeat(64);
const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const ENV = expectedEnvironment();

function result(over: Partial<ExampleResult> = {}): ExampleResult {
  return {
    id: 'services/clusterip-basic',
    contentHash: HASH,
    status: 'passed',
    durationMs: 12_000,
    retries: 1,
    checks: [
      { name: 'reaches', status: 'passed', durationMs: 300, attempts: 1, output: 'web-5d4f\nHTTP 200' },
      { name: 'resolves', status: 'passed', durationMs: 200, attempts: 2, output: '' },
    ],
    ...over,
  } as ExampleResult;
}

function report(examples: ExampleResult[], over: Record<string, unknown> = {}): ClusterReport {
  return clusterReport.parse({ schemaVersion: 1, commit: COMMIT, generatedAt: '2026-11-20T10:11:12Z', environment: ENV, examples, ...over });
}

describe('no report', () => {
  test('absent report: not-run, never a pass', () => {
    const b = badgeFor(undefined, 'services/clusterip-basic', HASH);
    expect(b).toMatchObject({ state: 'not-run', label: 'not yet run on a cluster' });
    expect(b.result).toBeUndefined();
  });

  test('a report that does not mention the example, or an empty one: not-run', () => {
    expect(badgeFor(report([result({ id: 'dns/other' })]), 'services/clusterip-basic', HASH).state).toBe('not-run');
    expect(badgeFor(report([]), 'services/clusterip-basic', HASH).state).toBe('not-run');
  });
});

describe('stale results: only what was proven decides', () => {
  test("hash mismatch: the example's files changed since the run", () => {
    const b = badgeFor(report([result()]), 'services/clusterip-basic', 'b'.repeat(64));
    expect(b).toMatchObject({ state: 'stale', staleCause: 'files', label: 'stale: files changed since the run' });
    expect(b.detail).toBe(`Last run on Kubernetes ${PINS.K8S_VERSION} on 2026-11-20, where it passed; the example's files changed since, so the result no longer applies.`);
  });

  test('hash mismatch wins over a failed or skipped result too', () => {
    for (const status of ['failed', 'skipped'] as const) {
      expect(badgeFor(report([result({ status })]), 'services/clusterip-basic', 'c'.repeat(64)).state).toBe('stale');
    }
  });

  test('the commit a report names does not matter: same files, same environment is verified whatever the commit', () => {
    for (const commit of [COMMIT, 'f'.repeat(40), 'unknown']) {
      expect(badgeFor(report([result()], { commit }), 'services/clusterip-basic', HASH).state).toBe('passed');
    }
  });

  test('another Kubernetes version: stale, naming both versions', () => {
    const b = badgeFor(report([result()], { environment: { ...ENV, kubernetes: 'v1.36.3' } }), 'services/clusterip-basic', HASH);
    expect(b).toMatchObject({ state: 'stale', staleCause: 'environment', label: 'stale: run on Kubernetes v1.36.3' });
    expect(b.detail).toContain(`Kubernetes v1.36.3 (now ${PINS.K8S_VERSION})`);
  });

  test('another CNI, kube-proxy mode, Gateway API or controller version: stale, naming each difference', () => {
    const env = { ...ENV, cni: 'calico', kubeProxyMode: 'iptables', gatewayApi: 'v1.3.0', controllerVersion: 'v3.5.0' };
    const b = badgeFor(report([result()], { environment: env }), 'services/clusterip-basic', HASH);
    expect(b.state).toBe('stale');
    expect(b.label).toBe('stale: CNI changed, kube-proxy mode changed, Gateway API changed, controller version changed');
    for (const part of [`CNI calico (now ${PINS.CNI})`, `kube-proxy mode iptables (now ${PINS.KUBE_PROXY_MODE})`, `Gateway API v1.3.0 (now ${PINS.GATEWAY_API_VERSION})`, `controller version v3.5.0 (now ${PINS.TRAEFIK_VERSION})`]) {
      expect(b.detail).toContain(part);
    }
  });

  test('a report from before the environment was recorded: stale, "environment unknown", still naming its version', () => {
    const old = clusterReport.parse({ schemaVersion: 1, commit: COMMIT, generatedAt: '2026-11-20T10:11:12Z', kubernetesVersion: PINS.K8S_VERSION, kindVersion: PINS.KIND_VERSION, cni: 'kindnet (localhost/kindnet-lite:v1)', examples: [result()] });
    const b = badgeFor(old, 'services/clusterip-basic', HASH);
    expect(b).toMatchObject({ state: 'stale', staleCause: 'environment-unknown', label: 'stale: environment unknown', kubernetesVersion: PINS.K8S_VERSION });
    expect(b.detail).toContain('does not record the cluster environment');
  });

  test('the environment is compared with the one given, not only the pin file', () => {
    const b = badgeFor(report([result()]), 'services/clusterip-basic', HASH, { ...ENV, kubernetes: 'v9.9.9' });
    expect(b.state).toBe('stale');
    expect(b.detail).toContain(`Kubernetes ${PINS.K8S_VERSION} (now v9.9.9)`);
  });
});

describe('current results', () => {
  test('pass: verified on the Kubernetes version, with counts and date', () => {
    const b = badgeFor(report([result()]), 'services/clusterip-basic', HASH);
    expect(b).toMatchObject({ state: 'passed', label: `verified on Kubernetes ${PINS.K8S_VERSION}`, kubernetesVersion: PINS.K8S_VERSION, date: '2026-11-20', passed: 2, total: 2 });
    expect(b.detail).toBe(`2/2 checks passed on Kubernetes ${PINS.K8S_VERSION} (kind ${PINS.KIND_VERSION}, ${PINS.CNI}, kube-proxy ${PINS.KUBE_PROXY_MODE}) on 2026-11-20.`);
  });

  test('fail: failing, counting the checks that passed', () => {
    const checks = [{ name: 'reaches', status: 'failed', durationMs: 5000, attempts: 3, output: 'timeout' }, { name: 'resolves', status: 'passed', durationMs: 100, attempts: 1, output: '' }] as ExampleResult['checks'];
    const b = badgeFor(report([result({ status: 'failed', checks })]), 'services/clusterip-basic', HASH);
    expect(b).toMatchObject({ state: 'failed', label: `failing on Kubernetes ${PINS.K8S_VERSION}`, passed: 1, total: 2 });
    expect(b.detail).toMatch(/^1\/2 checks passed/);
  });

  test('skipped: says why, or that no reason was given', () => {
    const b = badgeFor(report([result({ status: 'skipped', reason: 'the cluster has no gateway support', checks: [] })]), 'services/clusterip-basic', HASH);
    expect(b).toMatchObject({ state: 'skipped', label: 'skipped on the cluster' });
    expect(b.detail).toContain('the cluster has no gateway support');
    expect(badgeFor(report([result({ status: 'skipped', checks: [] })]), 'services/clusterip-basic', HASH).detail).toContain('no reason given');
  });
});

describe('recordedCheck: the output under a Try it command', () => {
  test('a current result: the recorded output with version and date', () => {
    const r = recordedCheck(badgeFor(report([result()]), 'services/clusterip-basic', HASH), 'reaches');
    expect(r).toEqual({ state: 'recorded', output: 'web-5d4f\nHTTP 200', status: 'passed', caption: `recorded on Kubernetes ${PINS.K8S_VERSION} on 2026-11-20`, failsWhen: [] });
  });

  test('an empty output is shown as such, not hidden', () => {
    const r = recordedCheck(badgeFor(report([result()]), 'services/clusterip-basic', HASH), 'resolves');
    expect(r).toMatchObject({ state: 'recorded', output: '(no output)' });
  });

  test('no report, no result for the check, or a skipped example: "not yet run on a cluster", no output', () => {
    expect(recordedCheck(badgeFor(undefined, 'services/clusterip-basic', HASH), 'reaches')).toEqual({ state: 'none', text: NO_RECORDED_OUTPUT });
    expect(recordedCheck(badgeFor(report([result()]), 'services/clusterip-basic', HASH), 'a check the run did not have')).toEqual({ state: 'none', text: NO_RECORDED_OUTPUT });
    expect(recordedCheck(badgeFor(report([result({ status: 'skipped', checks: [] })]), 'services/clusterip-basic', HASH), 'reaches').state).toBe('none');
  });

  test('a stale result shows no output, and says why', () => {
    const r = recordedCheck(badgeFor(report([result()]), 'services/clusterip-basic', 'b'.repeat(64)), 'reaches');
    expect(r).toEqual({ state: 'none', text: 'no current recorded output: stale: files changed since the run' });
  });

  test('"fails when": only passed mutations under which this check was expected to fail', () => {
    const mutations = [
      { name: 'networkpolicy.yaml is left out', namespace: 'm1', status: 'passed', durationMs: 1, checks: [{ name: 'reaches', expected: 'fail', status: 'passed', output: '' }, { name: 'resolves', expected: 'pass', status: 'passed', output: '' }] },
      { name: 'the port is wrong', namespace: 'm2', status: 'failed', reason: 'check "reaches" still passed', durationMs: 1, checks: [{ name: 'reaches', expected: 'fail', status: 'failed', output: '' }] },
      { name: 'the selector is wrong', namespace: 'm3', status: 'passed', durationMs: 1, checks: [{ name: 'reaches', expected: 'fail', status: 'passed', output: '' }] },
    ];
    const b = badgeFor(report([result({ mutations } as Partial<ExampleResult>)]), 'services/clusterip-basic', HASH);
    expect(recordedCheck(b, 'reaches')).toMatchObject({ state: 'recorded', failsWhen: ['networkpolicy.yaml is left out', 'the selector is wrong'] });
    expect(recordedCheck(b, 'resolves')).toMatchObject({ state: 'recorded', failsWhen: [] });
  });

  test('excerpt: a long output keeps its first lines and counts the rest', () => {
    const long = Array.from({ length: 15 }, (_, i) => `line ${i + 1}`).join('\n');
    expect(excerpt(`\n${long}\n`, 12)).toBe(`${long.split('\n').slice(0, 12).join('\n')}\n[3 more lines]`);
    expect(excerpt('  one\ntwo  ', 12)).toBe('one\ntwo');
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
    expect(r.environment).toEqual(ENV);
    expect(r.rejections).toEqual([]);
  });

  test('a malformed report is an error naming the file and the field, never "not run"', () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ schemaVersion: 2, commit: COMMIT, examples: [] }));
    expect(() => readReport(file)).toThrow(/bad\.json: not a valid cluster report: .*schemaVersion/);
  });

  test('an environment missing a field is malformed, not "unknown"', () => {
    const file = path.join(dir, 'bad-env.json');
    const { controller: _c, ...env } = ENV;
    writeFileSync(file, JSON.stringify({ ...report([]), environment: env }));
    expect(() => readReport(file)).toThrow(/environment\.controller/);
  });
});

describe('summarizeRun: the front page numbers', () => {
  test('no report: none', () => {
    expect(summarizeRun(undefined, [], [])).toEqual({ state: 'none' });
  });

  test('counts verified examples over all examples, and passed checks of current results over all checks', () => {
    const r = report([
      result(),
      result({ id: 'dns/failing', status: 'failed', checks: [{ name: 'x', status: 'failed', durationMs: 1, attempts: 1, output: '' }, { name: 'y', status: 'passed', durationMs: 1, attempts: 1, output: '' }] }),
      result({ id: 'dns/changed' }),
    ]);
    const badges = [
      badgeFor(r, 'services/clusterip-basic', HASH),
      badgeFor(r, 'dns/failing', HASH),
      badgeFor(r, 'dns/changed', 'd'.repeat(64)),
      badgeFor(r, 'dns/new', HASH),
    ];
    expect(summarizeRun(r, badges, [2, 2, 2, 3])).toEqual({
      state: 'present',
      verified: 1,
      examples: 4,
      checksPassed: 3,
      checks: 9,
      failing: 1,
      stale: 1,
      notRun: 1,
      skipped: 0,
      environment: ENV,
      kubernetesVersion: PINS.K8S_VERSION,
      generatedAt: '2026-11-20T10:11:12Z',
      date: '2026-11-20',
    });
  });
});

describe('checkResultText: one check in a table', () => {
  test('current results give the status, with attempts when retried; otherwise why there is none', () => {
    const b = badgeFor(report([result()]), 'services/clusterip-basic', HASH);
    expect(checkResultText(b, 'reaches')).toBe('passed');
    expect(checkResultText(b, 'resolves')).toBe('passed after 2 attempts');
    expect(checkResultText(b, 'not in the run')).toBe('not run');
    expect(checkResultText(badgeFor(report([result()]), 'services/clusterip-basic', 'e'.repeat(64)), 'reaches')).toBe('stale');
    expect(checkResultText(badgeFor(report([result({ status: 'skipped', checks: [] })]), 'services/clusterip-basic', HASH), 'reaches')).toBe('skipped');
    expect(checkResultText(badgeFor(undefined, 'services/clusterip-basic', HASH), 'reaches')).toBe('not run');
  });
});
