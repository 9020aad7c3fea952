/**
 * Build and inspect: asserts on the built dist/ that every article has its
 * page, every embedded example is there with all its files (the exact YAML in
 * the highlighted code and the copy button), every example has its own page
 * and raw files identical to examples/, search is indexed, and no page claims
 * a validation result the report does not hold.
 *
 * The expected lists come from content/ and examples/, never from a list in
 * this file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse, type HTMLElement } from 'node-html-parser';
import { describe, expect, test } from 'vitest';
import { loadExample, SPEC_FILE, type LoadedExample } from '../../src/lib/examples/load.ts';
import { PARSE_OPTIONS } from '../../src/lib/links/check-links.ts';
import { distFileForRoute, examplePagePath } from '../../src/lib/site/routes.ts';
import { badgeFor, readReport } from '../../src/lib/report/status.ts';
import { conformanceReportForBuild } from '../../src/lib/conformance/load.ts';
import { CONFORMANCE_REPORT_PATH, REPORT_PATH } from '../../src/lib/site/config.ts';
import { CONFORMANCE_PATH } from '../../src/lib/site/routes.ts';
import { clusterFacts } from '../../src/lib/cluster-facts.ts';
import { pins } from '../../src/lib/pins.ts';
import { articles, dist, exampleIds, exRoot, root } from '../support/site.ts';

const pages = new Map<string, HTMLElement>();
function page(route: string): HTMLElement {
  const file = distFileForRoute(dist, route);
  if (!pages.has(file)) pages.set(file, parse(readFileSync(file, 'utf8'), PARSE_OPTIONS));
  return pages.get(file)!;
}

const loaded = new Map<string, LoadedExample>();
function example(id: string): LoadedExample {
  if (!loaded.has(id)) loaded.set(id, loadExample(exRoot, id));
  return loaded.get(id)!;
}

/** The code of an Expressive Code block as a reader sees it: one line per `.ec-line`. */
function codeText(figure: HTMLElement): string {
  return figure.querySelectorAll('pre code .ec-line').map((l) => l.text).join('\n');
}

/** What the block's copy button puts on the clipboard (Expressive Code stores lines joined by U+007F). */
function copyText(figure: HTMLElement): string | undefined {
  return figure.querySelector('.copy button[data-code]')?.getAttribute('data-code')?.replaceAll('\u007f', '\n');
}

/** A manifest as the page shows it: the file without its final newline. */
const shown = (text: string) => text.replace(/\r?\n$/, '');

/** Checks one embedded example inside a page; returns failures as readable strings. */
function embeddedExampleProblems(doc: HTMLElement, id: string, where: string): string[] {
  const out: string[] = [];
  const section = doc.querySelector(`section[data-example="${id}"]`);
  if (!section) return [`${where}: no <section data-example="${id}">`];
  const ex = example(id);
  const figures = section.querySelectorAll('figure[data-example-file]');
  const names = figures.map((f) => f.getAttribute('data-example-file'));
  const expected = ex.files.map((f) => f.examplePath);
  if (JSON.stringify(names) !== JSON.stringify(expected)) out.push(`${where}: ${id} shows files ${JSON.stringify(names)}, expected ${JSON.stringify(expected)} (manifest order)`);
  for (const file of ex.files) {
    const fig = section.querySelector(`figure[data-example-file="${file.examplePath}"]`);
    if (!fig) continue;
    if (codeText(fig) !== shown(file.text)) out.push(`${where}: the highlighted code of ${file.examplePath} differs from the file`);
    if (copyText(fig) !== shown(file.text)) out.push(`${where}: the copy button of ${file.examplePath} does not hold the file's text`);
    const download = fig.querySelector('a[download]');
    if (download?.getAttribute('href') !== `/examples/${file.examplePath}`) out.push(`${where}: ${file.examplePath} has no download link to /examples/${file.examplePath}`);
  }
  return out;
}

describe('articles', () => {
  const list = articles();

  test('content/ has articles, each with a title', () => {
    expect(list.length).toBeGreaterThan(0);
    expect(list.filter((a) => !a.title).map((a) => a.rel)).toEqual([]);
  });

  test.each(list.map((a) => [a.rel, a] as const))('%s has its page', (_rel, a) => {
    const file = distFileForRoute(dist, a.route);
    expect(existsSync(file), `${path.relative(root, file)} for ${a.rel}`).toBe(true);
    const doc = page(a.route);
    expect(doc.querySelector('h1')?.text.trim()).toBe(a.title);
    if (a.route !== '/') expect(doc.querySelector('main[data-pagefind-body]'), 'indexed for search').not.toBeNull();
  });

  const embedding = list.filter((a) => a.examples.length > 0);
  test.each(embedding.map((a) => [a.rel, a] as const))('%s embeds every example it references, with all manifest files', (_rel, a) => {
    const doc = page(a.route);
    const problems = a.examples.flatMap((id) => embeddedExampleProblems(doc, id, a.rel));
    expect(problems).toEqual([]);
    // No example the article did not ask for.
    const shownIds = doc.querySelectorAll('section[data-example]').map((s) => s.getAttribute('data-example'));
    expect([...new Set(shownIds)].sort()).toEqual([...a.examples].sort());
  });
});

describe('examples', () => {
  const ids = exampleIds();

  test('examples/ has examples', () => {
    expect(ids.length).toBeGreaterThan(0);
  });

  test.each(ids)('%s has its own page with the whole example', (id) => {
    const route = examplePagePath(id);
    expect(existsSync(distFileForRoute(dist, route)), route).toBe(true);
    const doc = page(route);
    expect(doc.querySelector('h1')?.text.trim()).toBe(example(id).spec.title);
    expect(embeddedExampleProblems(doc, id, route)).toEqual([]);
    // Its "Try it" list has one entry per check.
    expect(doc.querySelectorAll(`section[data-example="${id}"] .try-it__list > li`)).toHaveLength(example(id).spec.checks.length);
  });

  test('every example appears on /examples/, and nothing else does', () => {
    const doc = page('/examples/');
    const hrefs = doc.querySelectorAll('main a[href^="/examples/"]').map((a) => a.getAttribute('href'));
    const listed = [...new Set(hrefs.filter((h) => /^\/examples\/[^/#]+\/[^/#]+\/$/.test(h!)))].sort();
    expect(listed).toEqual(ids.map(examplePagePath).sort());
  });

  test.each(ids)('%s: raw files in dist/examples/ are byte-identical to examples/', (id) => {
    const ex = example(id);
    const names = [SPEC_FILE, ...ex.files.map((f) => f.name)];
    for (const name of names) {
      const built = path.join(dist, 'examples', id, name);
      expect(existsSync(built), path.relative(root, built)).toBe(true);
      expect(readFileSync(built).equals(readFileSync(path.join(ex.dir, name))), `${id}/${name}`).toBe(true);
    }
    // Only the page and those files: nothing unpublished leaks out of the folder.
    const present = readdirSync(path.join(dist, 'examples', id)).sort();
    expect(present).toEqual([...names, 'index.html'].sort());
  });
});

describe('search index (Pagefind)', () => {
  test('pagefind.js, the entry file, index and fragments exist', () => {
    const pf = path.join(dist, 'pagefind');
    expect(statSync(path.join(pf, 'pagefind.js')).size).toBeGreaterThan(0);
    const entry = JSON.parse(readFileSync(path.join(pf, 'pagefind-entry.json'), 'utf8')) as { languages: Record<string, { page_count: number }> };
    const indexed = Object.values(entry.languages).reduce((n, l) => n + l.page_count, 0);
    expect(indexed).toBeGreaterThan(0);
    expect(readdirSync(path.join(pf, 'fragment')).length).toBe(indexed);
    expect(readdirSync(path.join(pf, 'index')).length).toBeGreaterThan(0);
  });

  test('the site is a production build: the search box is the real one, not the dev placeholder', () => {
    // A NODE_ENV other than production (vitest sets "test") makes Astro build with DEV true.
    const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
    expect(html).toContain('id="starlight__search"');
    expect(html).not.toContain('Search is only available in production builds');
  });

  test('every article with a body is indexed', () => {
    const entry = JSON.parse(readFileSync(path.join(dist, 'pagefind', 'pagefind-entry.json'), 'utf8')) as { languages: Record<string, { page_count: number }> };
    const indexed = Object.values(entry.languages).reduce((n, l) => n + l.page_count, 0);
    const withBody = articles().filter((a) => page(a.route).querySelector('[data-pagefind-body]')).length;
    expect(indexed).toBeGreaterThanOrEqual(withBody + exampleIds().length);
  });
});

describe('validation state', () => {
  const reportFile = path.resolve(root, REPORT_PATH);
  const report = readReport(reportFile);

  test('the validation page exists and lists every check of every example', () => {
    const doc = page('/validation/');
    const rows = doc.querySelectorAll('table.validation-table tbody tr');
    expect(rows).toHaveLength(exampleIds().reduce((n, id) => n + example(id).spec.checks.length, 0));
  });

  // The test build reads no report (vitest.config.ts points CLUSTER_REPORT at a
  // missing file); fixture builds cover the pages with a report
  // (recorded-output.test.ts, conformance-page.test.ts).
  test('without a report, the validation page says "not yet run" and shows no result', () => {
    expect(report).toBeUndefined();
    const doc = page('/validation/');
    const text = doc.querySelector('main')!.text;
    expect(text).toContain('No cluster validation report is present');
    expect(text).toContain('not yet run');
    expect(doc.querySelectorAll('.validation-badge').every((b) => b.classList.contains('validation-badge--not-run'))).toBe(true);
    expect(text).not.toMatch(/verified on|failing on|\bpassed\b/i);
    for (const row of doc.querySelectorAll('table.validation-table tbody tr')) expect(row.querySelectorAll('td')[3]!.text.trim()).toBe('not run');
  });

  test('every badge on every page says what the report supports, never more', () => {
    const wrong: string[] = [];
    const routes = [...articles().map((a) => a.route), ...exampleIds().map(examplePagePath), '/examples/', '/validation/'];
    for (const route of routes) {
      const doc = page(route);
      for (const section of doc.querySelectorAll('section[data-example]')) {
        const id = section.getAttribute('data-example')!;
        const expected = badgeFor(report, id, example(id).contentHash).state;
        const badge = section.querySelector('.validation-badge');
        if (!badge?.classList.contains(`validation-badge--${expected}`)) wrong.push(`${route} ${id}: ${badge?.getAttribute('class')} (expected ${expected})`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('upstream tests (the conformance page)', () => {
  // The build read this same file; an invalid one would have failed it.
  const report = conformanceReportForBuild(path.resolve(root, CONFORMANCE_REPORT_PATH));

  test('without a conformance report, the page says no run is recorded and shows no result', () => {
    expect(report).toBeUndefined();
    const doc = page(CONFORMANCE_PATH);
    expect(doc.querySelector('main')!.text.replace(/\s+/g, ' ')).toContain('No conformance run is recorded for this build');
    expect(doc.querySelectorAll('main .sl-badge')).toHaveLength(0);
  });

});

describe('pinned versions on the pages (rendered from scripts/cluster/versions.env)', () => {
  const withFacts = articles().filter((a) => /^<ClusterFacts \/>$/m.test(readFileSync(a.file, 'utf8')));
  const withPins = articles().filter((a) => /\{\s*pins\.\w+/.test(readFileSync(a.file, 'utf8')));

  test('the articles that embed <ClusterFacts /> show every fact of the pinned cluster', () => {
    expect(withFacts.length).toBeGreaterThanOrEqual(4);
    for (const a of withFacts) {
      const block = page(a.route).querySelector('[data-cluster-facts]');
      expect(block, `${a.route}: no [data-cluster-facts]`).toBeTruthy();
      const text = block!.text.replace(/\s+/g, ' ');
      for (const f of clusterFacts()) {
        expect(text, a.route).toContain(f.term);
        expect(text, a.route).toContain(f.value);
      }
    }
  });

  test('every {pins.…} an article uses renders its value', () => {
    expect(withPins.length).toBeGreaterThan(0);
    for (const a of withPins) {
      const text = page(a.route).querySelector('main')!.text;
      for (const m of readFileSync(a.file, 'utf8').matchAll(/\{\s*pins\.(\w+)\s*\}/g)) {
        expect(text, `${a.route}: pins.${m[1]}`).toContain(String(pins[m[1] as keyof typeof pins]));
      }
    }
  });
});
