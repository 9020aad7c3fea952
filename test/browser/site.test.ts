/**
 * The built site in a real browser (Debian's Chromium through playwright-core),
 * served from dist/ by a plain static server: copying a manifest, searching,
 * switching the theme, and no console errors or failed requests anywhere.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadExample } from '../../src/lib/examples/load.ts';
import { launchChromium, visitRoute, watchPage, type Browser } from '../support/browser.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import type { ArticlePage } from '../../src/lib/links/site-pages.ts';
import { articles, articleWithExample, dist, exRoot, sitePages, uniqueSearchTerm } from '../support/site.ts';

let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  server = await serveStatic(dist);
  browser = await launchChromium();
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('an article that embeds an example', () => {
  const article = articleWithExample();
  const example = loadExample(exRoot, article.examples[0]!);

  test.each(example.files.map((f) => [f.examplePath, f] as const))('the copy button of %s puts exactly that file on the clipboard', async (_name, file) => {
    const { page, problems } = await visit(article.route);
    try {
      const button = page.locator(`section[data-example="${example.id}"] figure[data-example-file="${file.examplePath}"] .copy button`);
      await expect.poll(() => button.count()).toBe(1);
      await page.evaluate(() => navigator.clipboard.writeText('(clipboard before the click)'));
      await button.click();
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).not.toBe('(clipboard before the click)');
      const clip = await page.evaluate(() => navigator.clipboard.readText());
      // Expressive Code copies the code block's lines: the whole file, byte for byte, except
      // the final newline (which is not a line of its own).
      expect(clip).toBe(file.text.replace(/\r?\n$/, ''));
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('search (Pagefind, through Starlight)', () => {
  test('typing a word from an article and clicking the first result opens that article', async () => {
    // The first article with a word of its own, so "the first result" has one right answer.
    const target = articles()
      .filter((a) => a.route !== '/')
      .map((a) => ({ article: a, term: uniqueSearchTerm(a.route) }))
      .find((x) => x.term);
    expect(target, 'no article has a word that no other page has').toBeDefined();
    const { article, term } = target! as { article: ArticlePage; term: string };
    const { page, problems } = await visit('/');
    try {
      const openButton = page.locator('button[data-open-modal]');
      await expect.poll(() => openButton.isEnabled(), { timeout: 15_000 }).toBe(true);
      await openButton.click();
      const dialog = page.locator('site-search dialog');
      await expect.poll(() => dialog.isVisible()).toBe(true);
      const input = dialog.locator('input[type="text"], input[type="search"]').first();
      await input.waitFor({ state: 'visible', timeout: 15_000 });
      await input.fill(term);
      const first = dialog.locator('.pagefind-ui__result-link').first();
      await first.waitFor({ state: 'visible', timeout: 15_000 });
      const href = await first.getAttribute('href');
      expect(href, `first result for "${term}"`).toMatch(new RegExp(`^${article.route.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(#.*)?$`));
      await Promise.all([page.waitForURL((u) => u.pathname === article.route, { timeout: 15_000 }), first.click()]);
      expect(new URL(page.url()).pathname).toBe(article.route);
      expect((await page.locator('h1').first().textContent())?.trim()).toBe(article.title);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('theme', () => {
  test("Starlight's theme select switches data-theme, and the choice persists", async () => {
    const { page, problems } = await visit(articleWithExample().route);
    try {
      const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
      // The context prefers a light colour scheme, and the default choice is "auto".
      expect(await theme()).toBe('light');
      const select = page.locator('header starlight-theme-select select');
      await expect.poll(() => select.isVisible()).toBe(true);
      await select.selectOption('dark');
      await expect.poll(theme).toBe('dark');
      await page.reload();
      expect(await theme()).toBe('dark');
      await page.locator('header starlight-theme-select select').selectOption('light');
      await expect.poll(theme).toBe('light');
      await page.locator('header starlight-theme-select select').selectOption('auto');
      await expect.poll(theme).toBe('light');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('every page', () => {
  test('loads with no console error, no uncaught exception and no failed request', async () => {
    const all: string[] = [];
    const page = await browser.context.newPage();
    const problems = watchPage(page);
    try {
      for (const route of sitePages()) {
        const res = await page.goto(server.url + route, { waitUntil: 'load' });
        expect(res?.status(), route).toBe(200);
      }
      all.push(...problems);
    } finally {
      await page.close();
    }
    expect(all).toEqual([]);
  });

  test('an unknown path gets the 404 page with status 404', async () => {
    const page = await browser.context.newPage();
    try {
      const res = await page.goto(`${server.url}/no-such-page/`);
      expect(res?.status()).toBe(404);
      expect(await page.locator('h1').first().textContent()).toMatch(/404|not found/i);
    } finally {
      await page.close();
    }
  });
});

const visit = (route: string) => visitRoute(browser, server.url, route);
