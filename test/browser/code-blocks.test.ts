/**
 * Code blocks hide no text: on a 1400x900 window, every `pre` of every example
 * page and of every article that embeds examples (manifests, Try it commands,
 * recorded output) shows all of its text:
 * long lines wrap, keeping their indentation, instead of running past the
 * frame's right edge.
 *
 * The pages are derived from examples/ (never a fixed list), and the test
 * proves it could fail: with wrapping switched off, pre blocks on the pages
 * with the longest lines would overflow.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { loadExample } from '../../src/lib/examples/load.ts';
import { examplePagePath } from '../../src/lib/site/routes.ts';
import { launchChromium, watchPage, type Browser } from '../support/browser.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { articles, dist, exampleIds, exRoot } from '../support/site.ts';

/** The window a reader on a laptop or desktop has. */
const VIEWPORT = { width: 1400, height: 900 };

/** The longest line of an example's files (manifests and example.yaml, whose checks become the Try it commands). */
function longestLine(id: string): number {
  const ex = loadExample(exRoot, id);
  const texts = [...ex.files.map((f) => f.text), readFileSync(path.join(exRoot, id, 'example.yaml'), 'utf8')];
  return Math.max(...texts.flatMap((t) => t.split('\n').map((l) => l.length)));
}

/** Every example page, and every article that embeds examples (a narrower column: it has a table of contents). */
function pagesWithExamples(): { route: string; longest: number }[] {
  const examplePages = exampleIds().map((id) => ({ route: examplePagePath(loadExample(exRoot, id).id), longest: longestLine(id) }));
  const articlePages = articles()
    .filter((a) => a.examples.length > 0)
    .map((a) => ({ route: a.route, longest: Math.max(...a.examples.map(longestLine)) }));
  return [...examplePages, ...articlePages];
}

/** Each `pre` of the page: where it is, its widths, and how wide its text would be on one line. */
type PreBox = { index: number; label: string; scrollWidth: number; clientWidth: number; unwrapped: number };

function measure(page: Page): Promise<PreBox[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('pre')].map((pre, index) => {
      const figure = pre.closest('figure');
      const label = figure?.getAttribute('data-example-file') ?? figure?.querySelector('figcaption')?.textContent?.trim() ?? pre.className ?? '';
      const { scrollWidth, clientWidth } = pre;
      // The same block with wrapping off: what a reader would lose without it.
      const saved = pre.getAttribute('style');
      pre.style.setProperty('white-space', 'pre', 'important');
      for (const line of pre.querySelectorAll<HTMLElement>('.ec-line, .ec-line .code')) line.style.setProperty('white-space', 'pre', 'important');
      const unwrapped = pre.scrollWidth;
      for (const line of pre.querySelectorAll<HTMLElement>('.ec-line, .ec-line .code')) line.style.removeProperty('white-space');
      if (saved === null) pre.removeAttribute('style');
      else pre.setAttribute('style', saved);
      return { index, label, scrollWidth, clientWidth, unwrapped };
    }),
  );
}

let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  server = await serveStatic(dist);
  browser = await launchChromium({ viewport: VIEWPORT });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe(`code blocks at ${VIEWPORT.width}x${VIEWPORT.height}`, () => {
  const pages = pagesWithExamples();
  /** Routes where some pre would overflow with wrapping off (filled in by the page tests). */
  const wouldOverflow = new Set<string>();

  test.each(pages.map((p) => [p.route, p.longest] as const))('%s (longest line %i characters): every pre shows all of its text', async (route) => {
    const page = await browser.context.newPage();
    const problems = watchPage(page);
    try {
      const res = await page.goto(server.url + route, { waitUntil: 'load' });
      expect(res?.status(), route).toBe(200);
      const boxes = await measure(page);
      expect(boxes.length, `${route} has no pre`).toBeGreaterThan(0);
      const hidden = boxes.filter((b) => b.scrollWidth > b.clientWidth).map((b) => `pre #${b.index} (${b.label}): ${b.scrollWidth - b.clientWidth}px of text past the right edge`);
      expect(hidden).toEqual([]);
      if (boxes.some((b) => b.unwrapped > b.clientWidth)) wouldOverflow.add(route);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  test('the check can fail: unwrapped, the pages with the longest lines would hide text', () => {
    const longest = [...pages].sort((a, b) => b.longest - a.longest).slice(0, 3);
    expect(longest.length).toBeGreaterThan(0);
    for (const p of longest) expect(wouldOverflow, `${p.route} (a ${p.longest}-character line) would not overflow even unwrapped`).toContain(p.route);
  });

  test("wrapped lines keep their indentation: a continuation starts under its line's first character, not at the left edge", async () => {
    // The first page, longest lines first, with an indented manifest line that wraps.
    const page = await browser.context.newPage();
    try {
      let found: { route: string; lines: { text: string; first: number; rest: number }[] } | undefined;
      for (const { route } of [...pages].sort((x, y) => y.longest - x.longest)) {
        await page.goto(server.url + route, { waitUntil: 'load' });
        const lines = await page.evaluate(() => {
          const out: { text: string; first: number; rest: number }[] = [];
          for (const code of document.querySelectorAll<HTMLElement>('pre .ec-line .code')) {
            const text = code.textContent ?? '';
            if (!/^\s+\S/.test(text)) continue;
            // Where each piece of visible text lands, line by line on screen.
            const rects: DOMRect[] = [];
            const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
              if (!/\S/.test(n.textContent ?? '')) continue;
              const range = document.createRange();
              range.selectNodeContents(n);
              rects.push(...[...range.getClientRects()].filter((r) => r.width > 0));
            }
            const top = Math.min(...rects.map((r) => r.top));
            const firstLine = rects.filter((r) => r.top - top < 2);
            const continuation = rects.filter((r) => r.top - top >= 2);
            if (!continuation.length) continue;
            out.push({ text, first: Math.min(...firstLine.map((r) => r.left)), rest: Math.min(...continuation.map((r) => r.left)) });
          }
          return out;
        });
        if (lines.length) {
          found = { route, lines };
          break;
        }
      }
      expect(found, 'no indented line wraps on any page').toBeDefined();
      for (const l of found!.lines) expect(l.rest, `${found!.route}: ${l.text.trim().slice(0, 60)}`).toBeGreaterThanOrEqual(l.first - 1);
    } finally {
      await page.close();
    }
  });
});
