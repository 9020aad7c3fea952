/**
 * The route table: test/fixtures/sites/routes/routes.json maps each article
 * of that fixture site (odd file names, `slug: index`, a frontmatter slug,
 * capitalised and nested index files) to the route Astro builds for it. The
 * route model's unit test and the build test that compares the model with
 * Astro's real output both read it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { readFrontmatter } from '../../src/lib/content/mdx.ts';
import { fixtureSites } from './fixture-build.ts';

export const ROUTES_SITE = 'routes';
const siteDir = path.join(fixtureSites, ROUTES_SITE);
export const routesContentDir = path.join(siteDir, 'content');

/** routes.json: article path relative to content/ -> the page path Astro gives it. */
const routeTable = z.record(z.string().min(1), z.string().regex(/^\/(.+\/)?$/, 'a page path: starts and ends with /'));

export interface RouteRow {
  /** Article file relative to the fixture's content/. */
  rel: string;
  /** Its frontmatter, read as the model reads it. */
  frontmatter: Record<string, unknown> | undefined;
  /** The route Astro built for it. */
  route: string;
}

export function routeRows(): RouteRow[] {
  const table = routeTable.parse(JSON.parse(readFileSync(path.join(siteDir, 'routes.json'), 'utf8')));
  return Object.entries(table).map(([rel, route]) => ({ rel, route, frontmatter: readFrontmatter(readFileSync(path.join(routesContentDir, rel), 'utf8')) }));
}
