/**
 * The release site (`npm run site:release`): dist/ built with the report the
 * cluster tier just wrote, checked in a real browser (Debian's Chromium).
 * Every example page must show "verified on Kubernetes v…" with all its checks
 * passed and the run's date, a recorded output under every "Try it" command,
 * nothing stale or not yet run; the validation page's expectation column must
 * be each check's own expectation (src/lib/checks/commands.ts); the front page
 * must count every example and check as verified.
 *
 * Only in the `release` vitest project (RELEASE_TESTS=1, npm run test:release):
 * it needs a fresh report of a complete, passing run.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expectation } from '../../src/lib/checks/commands.ts';
import { loadAllExamples } from '../../src/lib/examples/load.ts';
import { failureExpected } from '../../src/lib/examples/spec.ts';
import { listHtmlFiles, PARSE_OPTIONS } from '../../src/lib/links/check-links.ts';
import { describeEnvironment } from '../../src/lib/report/environment.ts';
import { excerpt, readReport, reportDate } from '../../src/lib/report/status.ts';
import { REPORT_PATH } from '../../src/lib/site/config.ts';
import { examplePagePath, VALIDATION_PATH } from '../../src/lib/site/routes.ts';
import { launchChromium, visitRoute, type Browser } from '../support/browser.ts';
import { dist, exRoot, root } from '../support/site.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';

const siteDir = process.env.ASTRO_OUT_DIR ? path.resolve(root, process.env.ASTRO_OUT_DIR) : dist;
const reportFile = path.resolve(root, REPORT_PATH);
const report = readReport(reportFile);
const examples = loadAllExamples(exRoot);

let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  if (!report) throw new Error(`${reportFile}: no cluster report; the release site is built from one (npm run site:release runs npm run test:cluster first)`);
  if (!report.environment) throw new Error(`${reportFile}: the report records no cluster environment; it was written by an older runner`);
  server = await serveStatic(siteDir);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const visit = (route: string) => visitRoute(browser, server.url, route);

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('every example page shows its example verified by this run', () => {
  test.each(examples.map((e) => [e.id, e] as const))('%s', async (_id, example) => {
    const env = report!.environment!;
    const date = reportDate(report!);
    const result = report!.examples.find((r) => r.id === example.id);
    expect(result, `${example.id} is not in the report`).toBeDefined();
    const { page, problems } = await visit(examplePagePath(example.id));
    try {
      const seen = await page.evaluate(() => {
        const text = (el: Element | null) => (el as HTMLElement | null)?.innerText ?? '';
        const main = document.querySelector('main')!;
        return {
          badges: [...main.querySelectorAll('.validation-badge')].map((b) => ({ state: b.getAttribute('data-badge-state'), text: text(b) })),
          detail: text(main.querySelector('[data-badge-detail]')),
          tryIt: [...main.querySelectorAll('section[data-example] [data-try-it-check]')].map((li) => ({
            name: li.getAttribute('data-try-it-check'),
            caption: text(li.querySelector('[data-recorded-output] .recorded-output__caption')),
            output: text(li.querySelector('[data-recorded-output] pre')),
            visible: (li.querySelector('[data-recorded-output] pre') as HTMLElement | null)?.checkVisibility() ?? false,
            none: li.querySelector('[data-recorded-output-none]') !== null,
          })),
          mainText: main.innerText,
        };
      });
      const n = example.spec.checks.length;
      expect(seen.badges.length, 'badges on the page').toBeGreaterThan(0);
      for (const b of seen.badges) expect(b).toEqual({ state: 'passed', text: `verified on Kubernetes ${env.kubernetes}` });
      expect(squash(seen.detail)).toContain(`${n}/${n} checks passed on Kubernetes ${env.kubernetes}`);
      expect(seen.detail).toContain(date);
      expect(seen.mainText).not.toMatch(/not yet run|\bstale:/i);
      expect(seen.tryIt.map((t) => t.name)).toEqual(example.spec.checks.map((c) => c.name));
      for (const t of seen.tryIt) {
        const recorded = result!.checks.find((c) => c.name === t.name)!;
        expect(t.none, `${t.name}: "not yet run" instead of a recorded output`).toBe(false);
        expect(t.visible, `${t.name}: recorded output visible`).toBe(true);
        expect(squash(t.caption)).toContain(`recorded on Kubernetes ${env.kubernetes} on ${date}`);
        expect(t.output.trim()).toBe(excerpt(recorded.output) || '(no output)');
      }
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('no page of the site shows a badge short of verified, or a Try it without its recorded output', () => {
  test('every HTML page', () => {
    const wrong: string[] = [];
    for (const file of listHtmlFiles(siteDir)) {
      const route = path.relative(siteDir, file);
      const doc = parse(readFileSync(file, 'utf8'), PARSE_OPTIONS);
      for (const b of doc.querySelectorAll('.validation-badge')) {
        if (b.getAttribute('data-badge-state') !== 'passed') wrong.push(`${route}: badge "${squash(b.text)}"`);
      }
      for (const n of doc.querySelectorAll('[data-recorded-output-none]')) wrong.push(`${route}: "${squash(n.text)}"`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('the validation page', () => {
  test("its expectation column is each check's own expectation, and every result passed", async () => {
    const { page, problems } = await visit(VALIDATION_PATH);
    try {
      const rows = await page.evaluate(() =>
        [...document.querySelectorAll('table.validation-table tbody tr')].map((tr) => ({
          id: tr.getAttribute('data-example-id'),
          check: tr.getAttribute('data-check'),
          expect: (tr.querySelector('td[data-expect]') as HTMLElement).innerText.trim(),
          result: (tr.querySelectorAll('td')[3] as HTMLElement).innerText.trim(),
        })),
      );
      const expected = examples.flatMap((e) => e.spec.checks.map((c) => ({ id: e.id, check: c.name, expect: expectation(c, e.slug).label, result: expect.stringMatching(/^passed/) })));
      expect(rows).toEqual(expected);
      // A check that must fail never reads as one that must succeed (np-egress-dns "DNS is blocked" once did).
      for (const e of examples) {
        for (const c of e.spec.checks.filter((x) => failureExpected(x))) {
          const row = rows.find((r) => r.id === e.id && r.check === c.name)!;
          expect(row.expect, `${e.id}: ${c.name}`).toMatch(/^(blocked|refused|times out)/);
        }
      }
      expect(squash(await page.locator('[data-report-run]').innerText())).toContain(describeEnvironment(report!.environment!));
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('the front page', () => {
  test('counts every example and check as verified, on the run environment and date', async () => {
    const { page, problems } = await visit('/');
    try {
      const checks = examples.reduce((n, e) => n + e.spec.checks.length, 0);
      const counts = squash(await page.locator('[data-report-counts]').innerText());
      expect(counts).toBe(`${examples.length}/${examples.length} examples verified ${checks}/${checks} checks passed`);
      const run = squash(await page.locator('[data-report-summary] [data-report-run]').innerText());
      expect(run).toContain(describeEnvironment(report!.environment!));
      expect(run).toContain(reportDate(report!));
      expect(run).not.toContain('Not verified');
      expect(await page.locator('[data-policy-canary] [data-recorded-output]').count()).toBe(1);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
