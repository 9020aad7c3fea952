/**
 * The route model (src/lib/site/routes.ts) against the routes Astro really
 * builds: the fixture site test/fixtures/sites/routes (odd file names,
 * `slug: index`, a frontmatter slug, capitalised and nested index files, a
 * `_draft`) built with the real build script; every article page in its
 * dist/ is the model's route of one article, and nothing else is. The same
 * holds for the real site the build project builds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listExampleIds } from '../../src/lib/examples/load.ts';
import { listArticlePages } from '../../src/lib/links/site-pages.ts';
import { CONFORMANCE_PATH, EXAMPLES_INDEX_PATH, examplePagePath, VALIDATION_PATH } from '../../src/lib/site/routes.ts';
import { buildFixtureSite, fixtureSites, type FixtureBuild } from '../support/fixture-build.ts';
import { ROUTES_SITE, routeRows, routesContentDir } from '../support/route-table.ts';
import { articles, exampleIds, sitePages } from '../support/site.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'routes-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('fixture: routes (what Astro builds for odd article names)', () => {
  let b: FixtureBuild;
  let built: string[];
  beforeAll(() => {
    b = buildFixtureSite(ROUTES_SITE, tmp);
    built = b.status === 0 ? sitePages(b.outDir) : [];
  });

  test('builds', () => {
    expect(b.status, b.output).toBe(0);
  });

  test.each(routeRows().map((r) => [r.rel, r.route] as const))('%s is built at %s, the route the model gives it', (rel, route) => {
    expect(built).toContain(route);
    expect(listArticlePages(routesContentDir).find((a) => a.rel === rel)?.route).toBe(route);
  });

  test('every page is an article route, an example page or one of the site pages, and nothing else', () => {
    const own = [EXAMPLES_INDEX_PATH, VALIDATION_PATH, CONFORMANCE_PATH, '/404.html', ...listExampleIds(path.join(fixtureSites, ROUTES_SITE, 'examples')).map(examplePagePath)];
    const articles = listArticlePages(routesContentDir).map((a) => a.route);
    expect([...built].sort()).toEqual([...articles, ...own].sort());
  });
});

describe('the real site (dist/ of this test run)', () => {
  test('its pages are exactly the model\'s article routes, the example pages and the site\'s own pages', () => {
    const own = [EXAMPLES_INDEX_PATH, VALIDATION_PATH, CONFORMANCE_PATH, '/404.html', ...exampleIds().map(examplePagePath)];
    expect(sitePages().sort()).toEqual([...articles().map((a) => a.route), ...own].sort());
  });
});
