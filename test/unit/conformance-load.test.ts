/**
 * loadConformanceReport: how the conformance page reads reports/conformance.json.
 * Absent is a plain "no run recorded"; a file that is there but not a report
 * is an error naming the file, never shown as absent or as a result.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { conformanceReportForBuild, differencesFromPins, formatDuration, loadConformanceReport, parseConformanceReport, specCounts } from '../../src/lib/conformance/load.ts';
import { PINS } from '../../src/lib/pins.ts';
import { CONFORMANCE_REPORT_PATH } from '../../src/lib/site/config.ts';
import { withBase } from '../../src/lib/site/routes.ts';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/conformance');
const valid = path.join(fixtures, 'report.json');
const invalid = path.join(fixtures, 'invalid-report.json');
const tmp = mkdtempSync(path.join(tmpdir(), 'conformance-load-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('loadConformanceReport', () => {
  test('absent: no file is "absent", with a message that names the file and how to write one', () => {
    const file = path.join(tmp, 'nope.json');
    const r = loadConformanceReport(file);
    expect(r.state).toBe('absent');
    expect(r).toMatchObject({ file });
    if (r.state !== 'absent') return;
    expect(r.message).toContain(file);
    expect(r.message).toContain('npm run cluster:up && npm run test:conformance');
    expect(conformanceReportForBuild(file)).toBeUndefined();
  });

  test('valid: the fixture is read as a typed report, with its passed, failed and skipped specs', () => {
    const r = loadConformanceReport(valid);
    expect(r.state).toBe('present');
    if (r.state !== 'present') return;
    expect(r.report.scope).toBe('ci');
    const [s] = r.report.suites;
    expect(s!.id).toBe('netpol');
    expect(s!.passed).toHaveLength(1);
    expect(s!.failed[0]!.message).toMatch(/^failed: probe matrix differs/);
    expect(s!.skipped[0]!.reason).toContain('CONFIG_IP_SCTP is not set');
    expect(specCounts(r.report.suites)).toEqual({ passed: 1, failed: 1, skipped: 1 });
    expect(conformanceReportForBuild(valid)).toEqual(r.report);
  });

  test('invalid: a report of the wrong shape is "invalid", naming the file and each bad field', () => {
    const r = loadConformanceReport(invalid);
    expect(r.state).toBe('invalid');
    if (r.state !== 'invalid') return;
    expect(r.message).toMatch(new RegExp(`^${invalid.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not a valid conformance report: `));
    expect(r.message).toContain('scope');
    expect(r.message).toContain('suites.0.passed');
  });

  test('invalid: a file that is not JSON at all is "invalid" too, naming the file (not a bare SyntaxError)', () => {
    const file = path.join(tmp, 'cut-short.json');
    writeFileSync(file, '{"schemaVersion": 1, "suites": [');
    const r = loadConformanceReport(file);
    expect(r.state).toBe('invalid');
    if (r.state === 'invalid') expect(r.message).toMatch(new RegExp(`^.*cut-short\\.json: not a valid conformance report: not JSON`));
    expect(parseConformanceReport('', 'empty.json')).toMatchObject({ state: 'invalid', file: 'empty.json' });
  });

  test('for the build, an invalid report throws with the file name (it must fail the build, not read as "no run")', () => {
    expect(() => conformanceReportForBuild(invalid)).toThrow(/invalid-report\.json: not a valid conformance report/);
  });
});

describe('what the page derives from a report', () => {
  const report = () => {
    const r = loadConformanceReport(valid);
    if (r.state !== 'present') throw new Error('fixture did not load');
    return r.report;
  };

  test('differencesFromPins: none for a run on the pinned cluster; one sentence per difference otherwise', () => {
    const pinned = { ...report(), kubernetesVersion: PINS.K8S_VERSION, cni: PINS.CNI, kubeProxyMode: PINS.KUBE_PROXY_MODE };
    expect(differencesFromPins(pinned, PINS)).toEqual([]);
    const other = { ...pinned, kubernetesVersion: 'v1.2.3', kubeProxyMode: 'ipvs-not-pinned' };
    const d = differencesFromPins(other, PINS);
    expect(d).toHaveLength(2);
    expect(d[0]).toContain('v1.2.3');
    expect(d[0]).toContain(PINS.K8S_VERSION);
    expect(d[1]).toContain('ipvs-not-pinned');
  });

  test('formatDuration', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(60)).toBe('1 min');
    expect(formatDuration(485)).toBe('8 min 5 s');
    expect(formatDuration(3600)).toBe('1 h');
    expect(formatDuration(3720)).toBe('1 h 2 min');
  });
});

describe('site config', () => {
  test('the conformance report path comes from CONFORMANCE_REPORT, defaulting to reports/conformance.json', () => {
    expect(CONFORMANCE_REPORT_PATH).toBe(process.env.CONFORMANCE_REPORT ?? 'reports/conformance.json');
  });

  test('withBase puts a site path under the base path, whatever its trailing slash', () => {
    expect(withBase('/conformance/', '/')).toBe('/conformance/');
    expect(withBase('/conformance/', '/docs')).toBe('/docs/conformance/');
    expect(withBase('/conformance/', '/docs/')).toBe('/docs/conformance/');
    expect(withBase('/examples/', '')).toBe('/examples/');
  });
});
