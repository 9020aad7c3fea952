/**
 * Chromium for the browser tests: Debian's /usr/bin/chromium (a test tool's
 * own browser download is not possible on these machines) driven by
 * playwright-core, headless, in a fresh profile that is deleted afterwards.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { chromium, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(options: BrowserContextOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), or run bash scripts/test.sh`);
  const profile = mkdtempSync(path.join(tmpdir(), 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    colorScheme: 'light',
    reducedMotion: 'reduce',
    timeout: 60_000,
    ...options,
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Records what should never happen on a page of the site: console errors,
 * uncaught exceptions, requests that fail, and responses of 400 or more.
 * (Only requests to the site's own origin are made; the site loads nothing else.)
 */
export function watchPage(page: Page): string[] {
  const problems: string[] = [];
  const where = () => page.url().replace(/^https?:\/\/[^/]+/, '');
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`${where()}: console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`${where()}: uncaught ${err.name}: ${err.message}`));
  page.on('requestfailed', (req) => {
    const reason = req.failure()?.errorText ?? 'failed';
    // A navigation away from a page aborts its pending requests; that is not a site error.
    if (reason === 'net::ERR_ABORTED' && req.resourceType() !== 'document' && req.frame() === page.mainFrame()) return;
    problems.push(`${where()}: request failed: ${req.method()} ${req.url()} (${reason})`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`${where()}: HTTP ${res.status()} for ${res.url()}`);
  });
  return problems;
}

/** Opens a site route in a new page, watched by watchPage; the route must answer 200. */
export async function visitRoute(browser: Browser, baseUrl: string, route: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.context.newPage();
  const problems = watchPage(page);
  const res = await page.goto(baseUrl + route, { waitUntil: 'load' });
  expect(res?.status(), route).toBe(200);
  return { page, problems };
}
