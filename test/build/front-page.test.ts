/**
 * The front page as built: what the last run proved (or that none is
 * recorded), one card per guide with its diagram, the validation report and
 * the conformance results one click away, and the NetworkPolicy canary with
 * its deciding command.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'node-html-parser';
import { describe, expect, test } from 'vitest';
import { renderCheck } from '../../src/lib/checks/commands.ts';
import { loadAllExamples, loadExample } from '../../src/lib/examples/load.ts';
import { PARSE_OPTIONS } from '../../src/lib/links/check-links.ts';
import { badgeFor, readReport, summarizeRun } from '../../src/lib/report/status.ts';
import { REPORT_PATH } from '../../src/lib/site/config.ts';
import { CONFORMANCE_PATH, VALIDATION_PATH } from '../../src/lib/site/routes.ts';
import { articles, dist, exRoot, root } from '../support/site.ts';

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const doc = parse(readFileSync(path.join(dist, 'index.html'), 'utf8'), PARSE_OPTIONS);
const main = doc.querySelector('main')!;

describe('the front page', () => {
  test('says what the last run proved, counted over every example, or that no run is recorded', () => {
    const report = readReport(path.resolve(root, REPORT_PATH));
    const examples = loadAllExamples(exRoot);
    const s = summarizeRun(report, examples.map((e) => badgeFor(report, e.id, e.contentHash)), examples.map((e) => e.spec.checks.length));
    const summary = main.querySelector('[data-report-summary]');
    expect(summary).not.toBeNull();
    if (s.state === 'none') {
      expect(summary!.hasAttribute('data-no-report')).toBe(true);
      expect(squash(summary!.text)).toContain('No cluster run is recorded in this build');
    } else {
      expect(squash(summary!.querySelector('[data-report-counts]')!.text)).toBe(`${s.verified}/${s.examples} examples verified ${s.checksPassed}/${s.checks} checks passed`);
      expect(summary!.querySelector('time')?.getAttribute('datetime')).toBe(s.generatedAt);
    }
  });

  test('has one card per guide, each with its diagram when the guide has one, and the diagram is published', () => {
    const guides = articles().filter((a) => a.rel.startsWith('guides/'));
    const cards = main.querySelectorAll('[data-guide-card]');
    expect(cards.map((c) => c.getAttribute('data-guide-card')).sort()).toEqual(guides.map((g) => g.rel.replace(/\.mdx?$/, '')).sort());
    for (const g of guides) {
      const card = main.querySelector(`[data-guide-card="${g.rel.replace(/\.mdx?$/, '')}"]`)!;
      expect(card.querySelector(`a[href="${g.route}"]`), `${g.rel}: link to ${g.route}`).not.toBeNull();
      const diagram = /\]\((\/diagrams\/[^)\s]+\.svg)\)/.exec(readFileSync(g.file, 'utf8'))?.[1];
      const img = card.querySelector('img[data-guide-diagram]');
      expect(img?.getAttribute('src'), g.rel).toBe(diagram);
      if (diagram) expect(existsSync(path.join(dist, diagram)), diagram).toBe(true);
    }
  });

  test('links to the validation report and the conformance results', () => {
    const hrefs = main.querySelectorAll('a').map((a) => a.getAttribute('href'));
    expect(hrefs).toContain(VALIDATION_PATH);
    expect(hrefs).toContain(CONFORMANCE_PATH);
  });

  test('the NetworkPolicy canary shows how to apply its example and the one command that must time out', () => {
    const canary = main.querySelector('[data-policy-canary]');
    expect(canary).not.toBeNull();
    const example = loadExample(exRoot, canary!.getAttribute('data-policy-canary')!);
    expect(example.spec.requires).toContain('networkpolicy');
    const deciding = example.spec.checks.map((c) => renderCheck(c, example.slug)).find((c) => c.mustBeBlocked)!;
    const code = canary!.querySelectorAll('pre').map((p) => squash(p.text));
    expect(code.some((c) => c.includes(squash(deciding.command)))).toBe(true);
    expect(squash(canary!.text)).toContain(`Expected: ${deciding.expected}`);
    expect(canary!.querySelectorAll('[data-recorded-output], [data-recorded-output-none]')).toHaveLength(1);
  });
});
