/**
 * Shared by the build and browser tests: where the repository's sources and
 * its built site are, and what the site must contain, derived from content/
 * and examples/ (never a hard-coded list: articles are added all the time).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'node-html-parser';
import { listExampleIds } from '../../src/lib/examples/load.ts';
import { siteConfig } from '../../src/lib/site/config.ts';
import { listHtmlFiles, pagePathOf, PARSE_OPTIONS } from '../../src/lib/links/check-links.ts';
import { distFileForRoute } from '../../src/lib/site/routes.ts';
import { type ArticlePage, listArticlePages } from '../../src/lib/links/site-pages.ts';

export const root = path.resolve(import.meta.dirname, '..', '..');
export const dist = path.join(root, 'dist');
const config = siteConfig(root);
export const contentDir = config.contentDir;
export const exRoot = config.examplesDir;

export function articles(): ArticlePage[] {
  return listArticlePages(contentDir);
}

export function exampleIds(): string[] {
  return listExampleIds(exRoot);
}

/** The first article (by file name) that embeds at least one example. */
export function articleWithExample(): ArticlePage {
  const a = articles().find((x) => x.examples.length > 0);
  if (!a) throw new Error(`no article in ${contentDir} embeds an example`);
  return a;
}

/** Every HTML page of the built site as a site path, e.g. `/guides/services/`, 404 page last. */
export function sitePages(dir = dist): string[] {
  const pages = listHtmlFiles(dir).map((f) => pagePathOf(dir, f));
  return [...pages.filter((p) => p !== '/404.html'), ...pages.filter((p) => p === '/404.html')];
}

/**
 * A word that Pagefind finds on the article at `route` and on no other page:
 * taken from the article's own prose (not its embedded examples, which their
 * example pages repeat), and such that no other indexed page contains even
 * its stem-like prefix. Undefined when the article has no such word.
 */
export function uniqueSearchTerm(route: string, dir = dist): string | undefined {
  const bodyText = (file: string, dropExamples: boolean): string => {
    const doc = parse(readFileSync(file, 'utf8'), PARSE_OPTIONS);
    const body = doc.querySelector('[data-pagefind-body]');
    if (!body) return '';
    if (dropExamples) for (const s of body.querySelectorAll('section[data-example], pre, code')) s.remove();
    return body.text.toLowerCase();
  };
  const target = distFileForRoute(dir, route);
  const others = listHtmlFiles(dir)
    .filter((f) => f !== target)
    .map((f) => bodyText(f, false))
    .join('\n');
  const words = [...new Set(bodyText(target, true).match(/[a-z]{7,}/g) ?? [])];
  // Longer words first: rarer, and their prefixes are more specific.
  words.sort((a, b) => b.length - a.length || a.localeCompare(b));
  return words.find((w) => !others.includes(w.slice(0, Math.max(6, w.length - 3))));
}
