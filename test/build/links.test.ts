/**
 * The link checker against the real built site (zero broken internal links
 * and anchors), and against a copy of it with one broken link and one broken
 * anchor injected, to prove the checker can fail and says where.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkLinks, listHtmlFiles } from '../../src/lib/links/check-links.ts';
import { distFileForRoute } from '../../src/lib/site/routes.ts';
import { formatProblem } from '../../src/lib/problems.ts';
import { SITE_URL } from '../../src/lib/site/config.ts';
import { articleWithExample, dist, root } from '../support/site.ts';

const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const cli = (args: string[]) => spawnSync(process.execPath, [tsx, 'scripts/check-links.ts', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });

describe('the built site (dist/)', () => {
  test('has no broken internal link or anchor', () => {
    const { problems, stats } = checkLinks(dist, { siteUrl: SITE_URL });
    expect(problems.map(formatProblem)).toEqual([]);
    expect(stats.pages).toBe(listHtmlFiles(dist).length);
    expect(stats.internal).toBeGreaterThan(stats.pages); // every page links at least its CSS and the home page
    expect(stats.anchors).toBeGreaterThan(0);
  });

  test('npm run check:links exits 0 and prints a summary', () => {
    const r = cli([]);
    expect(r.stderr).toMatch(/no broken links/);
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('a copy of dist/ with a broken link and a broken anchor injected', () => {
  let copy: string;
  let target: string;
  let linkLine: number;
  let anchorLine: number;
  const article = articleWithExample();

  beforeAll(() => {
    copy = path.join(mkdtempSync(path.join(tmpdir(), 'links-broken-')), 'dist');
    cpSync(dist, copy, { recursive: true });
    target = distFileForRoute(copy, article.route);
    const html = readFileSync(target, 'utf8');
    const at = html.indexOf('</main>');
    expect(at).toBeGreaterThan(0);
    // Each on a line of its own, so the expected line numbers are easy to state.
    const before = html.slice(0, at);
    linkLine = before.split('\n').length + 1;
    anchorLine = linkLine + 1;
    const injected = `\n<p><a href="/no-such-page/">a page that does not exist</a></p>\n<p><a href="${article.route}#no-such-anchor">an anchor that does not exist</a></p>\n`;
    writeFileSync(target, before + injected + html.slice(at));
  });
  afterAll(() => rmSync(path.dirname(copy), { recursive: true, force: true }));

  // Only what the injection added counts here; the test above keeps the site itself clean.
  const added = <T extends { file: string }>(list: T[], key: (p: T) => string) => {
    const before = new Set(checkLinks(dist, { siteUrl: SITE_URL, display: (abs) => path.relative(dist, abs) }).problems.map((p) => key(p as unknown as T)));
    return list.filter((p) => !before.has(key(p)));
  };

  test('checkLinks reports exactly the two, with file, line and column', () => {
    const { problems } = checkLinks(copy, { siteUrl: SITE_URL, display: (abs) => path.relative(copy, abs) });
    const page = path.relative(copy, target);
    expect(added(problems, formatProblem)).toEqual([
      { file: page, line: linkLine, column: 13, rule: 'broken-link', severity: 'error', message: `/no-such-page/: no file no-such-page${path.sep}index.html in the built site` },
      { file: page, line: anchorLine, column: 13, rule: 'broken-link', severity: 'error', message: `${article.route}#no-such-anchor: no element with id "no-such-anchor" in ${page}` },
    ]);
  });

  test('the CLI exits 1 and prints one `file:line:col  error  broken-link  message` line per problem', () => {
    const r = cli([copy]);
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split('\n').filter((l) => l.includes('no-such-'));
    const file = cliPath(target);
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^${escape(file)}:${linkLine}:13  error  broken-link  /no-such-page/: `)),
      expect.stringMatching(new RegExp(`^${escape(file)}:${anchorLine}:13  error  broken-link  ${escape(article.route)}#no-such-anchor: no element with id "no-such-anchor"`)),
    ]);
    expect(r.stderr).toMatch(/^\d+ broken link\(s\)/m);
  });

  test('--format json gives the same problems, machine-readable', () => {
    const r = cli([copy, '--format', 'json']);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { ok: boolean; problems: { file: string; line: number; rule: string }[]; stats: { pages: number } };
    expect(out.ok).toBe(false);
    const file = cliPath(target);
    expect(out.problems.filter((p) => p.file === file && p.line >= linkLine).map((p) => [p.file, p.line, p.rule])).toEqual([
      [file, linkLine, 'broken-link'],
      [file, anchorLine, 'broken-link'],
    ]);
    expect(out.stats.pages).toBe(listHtmlFiles(copy).length);
  });

  test('a folder that does not exist is a usage error (exit 2), not a pass', () => {
    const r = cli([path.join(copy, 'nope')]);
    expect(r.status).toBe(2);
  });
});

/** How the CLI names a file: relative to the repository root (its cwd), or absolute when outside it. */
function cliPath(abs: string): string {
  const rel = path.relative(root, abs);
  return rel.startsWith('..') ? abs : rel;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
