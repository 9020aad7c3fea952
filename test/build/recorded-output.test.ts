/**
 * Recorded outputs on the built pages. Given a report, every "Try it" command
 * on every example page (and in every article that embeds the example) shows
 * the output the run recorded for that check, with the Kubernetes version and
 * date, and "Fails when <mutation>" for a check a passed mutation broke;
 * without a report each says "not yet run on a cluster" and shows no output.
 *
 * A fixture tree (the test/fixtures/examples/good examples, the fixture site's
 * articles) is built twice with the real build script: with a fixture report
 * made from the real loader's content hashes, and with none. The repository's
 * own dist/ (built by the build project's setup) is checked against whatever
 * report it was built with.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, type HTMLElement } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadAllExamples, type LoadedExample } from '../../src/lib/examples/load.ts';
import { PARSE_OPTIONS } from '../../src/lib/links/check-links.ts';
import { distFileForRoute } from '../../src/lib/site/routes.ts';
import { PINS } from '../../src/lib/pins.ts';
import { expectedEnvironment } from '../../src/lib/report/environment.ts';
import type { ClusterReport } from '../../src/lib/report/schema.ts';
import { badgeFor, NO_RECORDED_OUTPUT, readReport, recordedCheck } from '../../src/lib/report/status.ts';
import { REPORT_PATH } from '../../src/lib/site/config.ts';
import { examplePagePath, VALIDATION_PATH } from '../../src/lib/site/routes.ts';
import { buildFixtureSite, type FixtureBuild } from '../support/fixture-build.ts';
import { dist, exRoot, root } from '../support/site.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'recorded-output-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const pageOf = (dir: string, route: string): HTMLElement => parse(readFileSync(distFileForRoute(dir, route), 'utf8'), PARSE_OPTIONS);

/** Every Try it item of every example section on a page: check name, caption, output, "fails when" lines, or the "none" line. */
function tryItItems(doc: HTMLElement) {
  return doc.querySelectorAll('section[data-example] [data-try-it-check]').map((li) => ({
    example: li.closest('section[data-example]')!.getAttribute('data-example')!,
    name: li.getAttribute('data-try-it-check')!,
    caption: squash(li.querySelector('[data-recorded-output] .recorded-output__caption')?.text ?? ''),
    output: li.querySelector('[data-recorded-output] pre')?.text,
    failsWhen: li.querySelectorAll('[data-fails-when]').map((p) => squash(p.text)),
    none: li.querySelector('[data-recorded-output-none]') ? squash(li.querySelector('[data-recorded-output-none]')!.text) : undefined,
  }));
}

// A fixture tree: examples copied from the fixtures, loaded with the real loader for their real hashes.
const examplesDir = path.join(tmp, 'examples');
cpSync(path.join(root, 'test/fixtures/examples/good'), examplesDir, { recursive: true });
const examples: LoadedExample[] = loadAllExamples(examplesDir);
const GENERATED_AT = '2026-11-29T07:30:00Z';
const MUTATION = 'web.yaml is left out';
const mutated = examples.find((e) => e.spec.checks.length > 1)!;

/** A passing run of every fixture example: each check's output names it, over several lines; one passed mutation broke the first check of `mutated`. */
function fixtureReport(): ClusterReport {
  return {
    schemaVersion: 1,
    commit: 'fixture',
    generatedAt: GENERATED_AT,
    environment: expectedEnvironment(),
    rejections: [],
    examples: examples.map((e) => ({
      id: e.id,
      contentHash: e.contentHash,
      status: 'passed',
      durationMs: 1000,
      retries: 0,
      checks: e.spec.checks.map((c, i) => ({ name: c.name, status: 'passed', durationMs: 10, attempts: 1, output: `recorded for ${e.id} check ${i}\nsecond line` })),
      mutations: e.id === mutated.id
        ? [{ name: MUTATION, namespace: `${e.slug}-m1`, status: 'passed', durationMs: 900, retries: 0, checks: e.spec.checks.map((c, i) => ({ name: c.name, expected: i === 0 ? 'fail' : 'pass', status: i === 0 ? 'failed' : 'passed', output: '' })) }]
        : [],
    })),
  } as ClusterReport;
}

describe('a fixture site built with a report', () => {
  let b: FixtureBuild;
  beforeAll(() => {
    const reportFile = path.join(tmp, 'report.json');
    writeFileSync(reportFile, JSON.stringify(fixtureReport()));
    b = buildFixtureSite('good', tmp, { EXAMPLES_DIR: examplesDir, CLUSTER_REPORT: reportFile });
  });

  test('builds', () => {
    expect(b.status, b.output).toBe(0);
  });

  test.each(examples.map((e) => [e.id, e] as const))('every Try it command of %s shows its recorded output, version and date', (_id, example) => {
    const items = tryItItems(pageOf(b.outDir, examplePagePath(example.id)));
    expect(items.map((i) => i.name)).toEqual(example.spec.checks.map((c) => c.name));
    items.forEach((item, i) => {
      expect(item.none).toBeUndefined();
      expect(item.output).toBe(`recorded for ${example.id} check ${i}\nsecond line`);
      expect(item.caption).toBe(`Output recorded on Kubernetes ${PINS.K8S_VERSION} on 2026-11-29:`);
      expect(item.failsWhen).toEqual(example.id === mutated.id && i === 0 ? [`Fails when ${MUTATION}.`] : []);
    });
  });

  test('the validation page names the run: Kubernetes version and commit', () => {
    const text = pageOf(b.outDir, VALIDATION_PATH).querySelector('main')!.text;
    expect(text).toContain(PINS.K8S_VERSION);
    expect(text).toContain('fixture');
  });

  test('an article that embeds an example shows the same recorded outputs', () => {
    const items = tryItItems(pageOf(b.outDir, '/guides/demo/'));
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect(item.output).toMatch(new RegExp(`^recorded for ${item.example} check \\d+\\nsecond line$`));
  });
});

describe('a fixture site built without a report', () => {
  let b: FixtureBuild;
  beforeAll(() => {
    b = buildFixtureSite('good', tmp, { EXAMPLES_DIR: examplesDir });
  });

  test('every Try it command says "not yet run on a cluster" and shows no output', () => {
    expect(b.status, b.output).toBe(0);
    for (const example of examples) {
      const items = tryItItems(pageOf(b.outDir, examplePagePath(example.id)));
      expect(items).toHaveLength(example.spec.checks.length);
      for (const item of items) expect(item).toMatchObject({ output: undefined, failsWhen: [], none: `Recorded output: ${NO_RECORDED_OUTPUT}.` });
    }
  });
});

describe("the repository's site, as built", () => {
  test('every Try it command shows what the report it was built with supports, and nothing else', () => {
    const report = readReport(path.resolve(root, REPORT_PATH));
    const wrong: string[] = [];
    for (const example of loadAllExamples(exRoot)) {
      const badge = badgeFor(report, example.id, example.contentHash);
      const items = tryItItems(pageOf(dist, examplePagePath(example.id)));
      if (items.length !== example.spec.checks.length) wrong.push(`${example.id}: ${items.length} Try it items for ${example.spec.checks.length} checks`);
      for (const item of items) {
        const r = recordedCheck(badge, item.name);
        const ok = r.state === 'recorded' ? item.output === r.output && item.none === undefined : item.output === undefined && item.none === `Recorded output: ${r.text}.`;
        if (!ok) wrong.push(`${example.id}: "${item.name}": shows ${JSON.stringify(item)}, expected ${JSON.stringify(r)}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
