/**
 * The conformance page (/conformance/) as built: with the fixture report
 * (test/fixtures/conformance/report.json, one passed, one failed and one
 * skipped spec) it shows the run, the counts, each failure's message and each
 * skip's reason; without a report it says no run is recorded and how to make
 * one; with an invalid report the build fails naming the file.
 *
 * Each case builds the small fixture site `good` with the real build script,
 * pointed at the report by CONFORMANCE_REPORT.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, type HTMLElement } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { differencesFromPins, loadConformanceReport } from '../../src/lib/conformance/load.ts';
import { checkLinks, PARSE_OPTIONS } from '../../src/lib/links/check-links.ts';
import { distFileForRoute } from '../../src/lib/site/routes.ts';
import { PINS } from '../../src/lib/pins.ts';
import { CONFORMANCE_PATH, VALIDATION_PATH } from '../../src/lib/site/routes.ts';
import { buildFixtureSite, type FixtureBuild } from '../support/fixture-build.ts';
import { root } from '../support/site.ts';

const fixtures = path.join(root, 'test', 'fixtures', 'conformance');
const tmp = mkdtempSync(path.join(tmpdir(), 'conformance-page-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const pageOf = (b: FixtureBuild, route: string): HTMLElement => parse(readFileSync(distFileForRoute(b.outDir, route), 'utf8'), PARSE_OPTIONS);
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const mainText = (doc: HTMLElement) => squash(doc.querySelector('main')!.text);

describe('with the fixture report', () => {
  const reportFile = path.join(fixtures, 'report.json');
  const loaded = loadConformanceReport(reportFile);
  if (loaded.state !== 'present') throw new Error(`fixture ${reportFile} is not a valid report: ${'message' in loaded ? loaded.message : ''}`);
  const report = loaded.report;
  const suite = report.suites[0]!;
  let b: FixtureBuild;
  let doc: HTMLElement;
  beforeAll(() => {
    b = buildFixtureSite('good', tmp, { CONFORMANCE_REPORT: reportFile });
    if (b.status === 0) doc = pageOf(b, CONFORMANCE_PATH);
  });

  test('builds, with the page in the Starlight frame under its title', () => {
    expect(b.status, b.output).toBe(0);
    expect(doc.querySelector('h1')?.text.trim()).toBe('Upstream tests on this cluster');
    expect(doc.querySelector('nav.sidebar, #starlight__sidebar, .sidebar-content'), 'Starlight sidebar').not.toBeNull();
    expect(doc.querySelector('main [data-cluster-facts]'), 'the cluster facts').not.toBeNull();
  });

  test("names the run: its date, Kubernetes version, CNI and kube-proxy mode from the report", () => {
    const run = squash(doc.querySelector('[data-conformance-run]')!.text);
    expect(run).toContain(report.generatedAt.slice(0, 10));
    expect(run).toContain(`Kubernetes ${report.kubernetesVersion}`);
    expect(run).toContain(report.cni);
    expect(run).toContain(`${report.kubeProxyMode} mode`);
    expect(doc.querySelector('[data-conformance-run] time')?.getAttribute('datetime')).toBe(report.generatedAt);
    expect(doc.querySelectorAll('[data-conformance-totals] .sl-badge').map((x) => x.text.trim())).toEqual(['1 passed', '1 failed', '1 skipped']);
  });

  test('shows each suite with its title, tool, selection and counts as badges', () => {
    const section = doc.querySelector(`section[data-suite="${suite.id}"]`);
    expect(section, `section[data-suite="${suite.id}"]`).not.toBeNull();
    expect(section!.querySelector('h2')?.text.trim()).toBe(suite.title);
    const text = squash(section!.text);
    expect(text).toContain(suite.tool);
    expect(squash(section!.querySelector('code')!.text)).toBe(suite.selection);
    const badges = section!.querySelectorAll('[data-suite-counts] .sl-badge').map((x) => x.text.trim());
    expect(badges).toEqual(['1 passed', '1 failed', '1 skipped']);
    expect(section!.querySelector('[data-suite-counts] .sl-badge.danger')?.text.trim()).toBe('1 failed');
  });

  test('shows the failed spec with its message, and the skipped spec with its reason', () => {
    const failed = doc.querySelector('[data-failed]')!;
    expect(squash(failed.querySelector('dt')!.text)).toBe(suite.failed[0]!.name);
    expect(squash(failed.querySelector('dd')!.text)).toBe(suite.failed[0]!.message);
    const skipped = doc.querySelector('[data-skipped]')!;
    expect(squash(skipped.querySelector('dt')!.text)).toBe(suite.skipped[0]!.name);
    expect(squash(skipped.querySelector('dd')!.text)).toContain(suite.skipped[0]!.reason);
  });

  test('lists the passed specs in a collapsed <details>', () => {
    const details = doc.querySelector('details[data-passed]')!;
    expect(details).not.toBeNull();
    expect(details.hasAttribute('open')).toBe(false);
    expect(details.querySelector('summary')?.text).toContain('1 spec that passed');
    expect(details.querySelectorAll('li').map((li) => squash(li.text))).toEqual(suite.passed);
  });

  test('warns when the run was not on the pinned cluster, and only then', () => {
    const caution = doc.querySelector('main .starlight-aside--caution');
    const differences = differencesFromPins(report, PINS);
    if (differences.length) expect(squash(caution!.text)).toContain(differences[0]!);
    else expect(caution).toBeNull();
    expect(mainText(doc)).not.toContain('No conformance run is recorded');
  });

  test('is linked from the sidebar and the validation page, and no link is broken', () => {
    const sidebarLinks = doc.querySelectorAll('#starlight__sidebar a, nav.sidebar a, .sidebar-content a').map((a) => a.getAttribute('href'));
    expect(sidebarLinks).toContain(CONFORMANCE_PATH);
    const validation = pageOf(b, VALIDATION_PATH);
    // In the page's own text, not only Starlight's "Next" link.
    expect(validation.querySelectorAll('main .sl-markdown-content a').map((a) => a.getAttribute('href'))).toContain(CONFORMANCE_PATH);
    expect(checkLinks(b.outDir).problems).toEqual([]);
  });
});

describe('without a report', () => {
  let b: FixtureBuild;
  beforeAll(() => {
    b = buildFixtureSite('good', tmp, { CONFORMANCE_REPORT: path.join(tmp, 'absent.json') });
  });

  test('the page says no run is recorded, and how to produce one', () => {
    expect(b.status, b.output).toBe(0);
    const doc = pageOf(b, CONFORMANCE_PATH);
    expect(doc.querySelector('h1')?.text.trim()).toBe('Upstream tests on this cluster');
    const text = mainText(doc);
    expect(text).toContain('No conformance run is recorded for this build');
    expect(text).toContain('npm run cluster:up && npm run test:conformance');
    // No result of any kind.
    expect(doc.querySelectorAll('main .sl-badge')).toHaveLength(0);
    expect(doc.querySelector('section[data-suite]')).toBeNull();
    expect(text).not.toMatch(/\d+ (passed|failed|skipped)\b/);
  });
});

describe('with an invalid report', () => {
  const reportFile = path.join(fixtures, 'invalid-report.json');
  let b: FixtureBuild;
  beforeAll(() => {
    b = buildFixtureSite('good', tmp, { CONFORMANCE_REPORT: reportFile });
  });

  test('the build fails, naming the file and what is wrong, and leaves no site', () => {
    expect(b.status, b.output).not.toBe(0);
    expect(b.status).not.toBeNull();
    expect(b.output).toContain(`${reportFile}: not a valid conformance report`);
    expect(b.output).toContain('suites.0.passed');
    expect(existsSync(b.outDir)).toBe(false);
  });
});
