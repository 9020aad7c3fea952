/**
 * The route model: where each source lands in the built site. One rule for
 * articles (Astro's glob loader id, then Starlight's slug-to-path), one
 * helper for the site base (as Starlight's utils/base.ts), and the paths of
 * the site's own pages, example pages and raw example files. Pages,
 * components, the content rules, the scaffolder and the dist/ tests all use
 * these; test/build/routes.test.ts compares them with what Astro built.
 */
import path from 'node:path';
import { slug as githubSlug } from 'github-slugger';
import { SITE_URL } from './config.ts';

/** Site-relative paths of the site's own pages in src/pages/. */
export const EXAMPLES_INDEX_PATH = '/examples/';
export const VALIDATION_PATH = '/validation/';
export const CONFORMANCE_PATH = '/conformance/';

/** One path segment as Astro slugs it (github-slugger: lowercased, punctuation dropped, each space a hyphen). */
export function slugSegment(segment: string): string {
  return githubSlug(segment);
}

/**
 * An article's collection id, as Astro's glob loader makes it: the
 * frontmatter `slug` verbatim when set, else the path without its extension,
 * each segment slugged, a trailing `/index` dropped.
 */
export function articleId(relativeFile: string, frontmatter?: Record<string, unknown>): string {
  if (frontmatter?.slug !== undefined && frontmatter.slug !== null && frontmatter.slug !== '') return String(frontmatter.slug);
  return relativeFile
    .replace(/\.(md|mdx)$/, '')
    .split(/[\\/]/)
    .map(slugSegment)
    .join('/')
    .replace(/\/index$/, '');
}

/** The page path of a collection id, as Starlight's slugToPathname: `index` is `/`, a trailing `/index` is dropped. */
export function routeOfId(id: string): string {
  const trimmed = id.replace(/^\/+|\/+$/g, '');
  const param = trimmed === 'index' || trimmed === '' ? '' : (trimmed.endsWith('/index') ? trimmed.slice(0, -6) : trimmed).normalize();
  return param ? `/${param}/` : '/';
}

/** The route of an article file relative to the content folder, e.g. `guides/services.mdx` -> `/guides/services/`. */
export function articleRoute(relativeFile: string, frontmatter?: Record<string, unknown>): string {
  return routeOfId(articleId(relativeFile, frontmatter));
}

/**
 * A site-relative path (`/examples/...`) as an href under the site's base.
 * Pages and components call it with one argument: the base is Astro's
 * `import.meta.env.BASE_URL` (`/` outside an Astro build).
 */
export function withBase(sitePath: string, base: string = import.meta.env?.BASE_URL ?? '/'): string {
  const rest = sitePath.replace(/^\/+/, '');
  return `${base.replace(/\/+$/, '')}/${rest}`;
}

/** Site-relative path of an example's own page. */
export function examplePagePath(id: string): string {
  return `/examples/${id}/`;
}

/** Site-relative path of a published example file (`<topic>/<slug>/<file>`). */
export function rawFilePath(examplePath: string): string {
  return `/examples/${examplePath}`;
}

/** The absolute URL of a published example file, as the `kubectl apply -f` commands print it (default: this build's SITE_URL). */
export function rawFileUrl(examplePath: string, siteUrl: string = SITE_URL): string {
  return `${siteUrl.replace(/\/+$/, '')}${rawFilePath(examplePath)}`;
}

/** The HTML file a page path is written to (Astro's directory format). */
export function distFileForRoute(dist: string, route: string): string {
  return path.join(dist, ...route.split('/').filter(Boolean), 'index.html');
}
