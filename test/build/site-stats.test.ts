/**
 * scripts/site-stats.ts on the built site: the numbers it prints add up.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { listHtmlFiles } from '../../src/lib/links/check-links.ts';
import { siteConfig } from '../../src/lib/site/config.ts';
import { articles, dist, root } from '../support/site.ts';

const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');

describe('npm run stats:site', () => {
  test('--json reports size, pages, build time and JavaScript per article page', () => {
    expect(existsSync(siteConfig(root).lastBuildMsFile), 'the build setup records the build time').toBe(true);
    const r = spawnSync(process.execPath, [tsx, 'scripts/site-stats.ts', '--json'], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as {
      diskBytes: number;
      bytes: number;
      files: number;
      htmlPages: number;
      buildMs: number;
      articlePages: { route: string; files: number; totalBytes: number; fileBytes: number; inlineBytes: number; gzipBytes: number }[];
      lazy: { path: string; bytes: number }[];
    };
    expect(s.htmlPages).toBe(listHtmlFiles(dist).length);
    expect(s.bytes).toBeGreaterThan(0);
    expect(s.diskBytes).toBeGreaterThanOrEqual(s.bytes * 0.5);
    expect(s.buildMs).toBeGreaterThan(0);
    expect(s.articlePages.map((p) => p.route).sort()).toEqual(articles().map((a) => a.route).sort());
    // Pagefind's runtime is listed apart, never counted in a page's total.
    expect(s.lazy.map((l) => l.path)).toContain('/pagefind/pagefind.js');
  });

  test('on a hand-made site it counts exactly the scripts a page loads at once, and lists the dynamic import apart', () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'site-stats-'));
    try {
      const site = path.join(tmp, 'dist');
      const content = path.join(tmp, 'content', 'guides');
      mkdirSync(path.join(site, 'guides', 'x'), { recursive: true });
      mkdirSync(content, { recursive: true });
      writeFileSync(path.join(content, 'x.mdx'), '---\ntitle: X\n---\n');
      // 40 + 20 bytes loaded at once, 10 bytes of inline script; lazy.js only on demand.
      const a = "import './b.js'; import('./lazy.js');   ";
      const b = 'export const b = 1;\n';
      writeFileSync(path.join(site, 'a.js'), a);
      writeFileSync(path.join(site, 'b.js'), b);
      writeFileSync(path.join(site, 'lazy.js'), 'export const lazy = 2;\n');
      writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>home</title>');
      writeFileSync(path.join(site, 'guides', 'x', 'index.html'), '<!doctype html><title>x</title><script type="module" src="/a.js"></script><script>let i = 1;</script><script type="application/ld+json">{}</script>');
      expect([a.length, b.length]).toEqual([40, 20]);
      const r = spawnSync(process.execPath, [tsx, 'scripts/site-stats.ts', '--json', site], { cwd: root, encoding: 'utf8', env: { ...process.env, CONTENT_DIR: path.join(tmp, 'content') } });
      expect(r.status, r.stderr).toBe(0);
      const s = JSON.parse(r.stdout) as { htmlPages: number; files: number; articlePages: Record<string, unknown>[]; lazy: { path: string; bytes: number }[] };
      expect(s.htmlPages).toBe(2);
      expect(s.files).toBe(5);
      expect(s.articlePages).toMatchObject([{ route: '/guides/x/', source: 'guides/x.mdx', files: 2, fileBytes: 60, inlineScripts: 1, inlineBytes: 10, totalBytes: 70 }]);
      expect(s.lazy).toMatchObject([{ path: '/lazy.js', bytes: 23 }]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('the text report has the four numbers the closing note needs', () => {
    const r = spawnSync(process.execPath, [tsx, 'scripts/site-stats.ts'], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/total size\s+\d+(\.\d)?[KMG]?\s/);
    expect(r.stdout).toMatch(/HTML pages\s+\d+/);
    expect(r.stdout).toMatch(/last build time\s+\d+\.\d s/);
    expect(r.stdout).toMatch(/JavaScript per article page/);
  });
});
