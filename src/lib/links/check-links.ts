/**
 * The link checker: every internal href/src of every HTML page in a built
 * site must resolve to a file of that site, and every `#fragment` to an
 * element id on the target page. External links are counted, never fetched
 * (the build machines have no internet, and a flaky remote must not fail CI).
 *
 * Pure logic over a folder: no server, no network. Problems come back in the
 * project's one shape (`file:line:col  error  broken-link  message`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse, type HTMLElement } from 'node-html-parser';
import type { Problem } from '../problems.ts';
import { lineColumn, lineStarts } from '../line-index.ts';

export const RULE = 'broken-link';

export interface CheckLinksOptions {
  /** The site's base path (Astro `base`), e.g. `/docs/`; `/` by default. */
  base?: string;
  /**
   * Absolute URLs on this origin (e.g. the canonical `http://localhost:4321/...`)
   * are checked as internal links rather than counted as external. Optional.
   */
  siteUrl?: string;
  /** How file names are shown in problems; relative to the cwd by default. */
  display?: (absolute: string) => string;
}

export interface LinkStats {
  /** HTML files read. */
  pages: number;
  /** Internal references checked (href/src/srcset values). */
  internal: number;
  /** Of those, references that carried a `#fragment` checked against ids. */
  anchors: number;
  /** External http(s) references, counted only. */
  external: number;
  /** Other schemes (mailto:, tel:, data:, javascript:), ignored. */
  other: number;
  /** Distinct external URLs, sorted. */
  externalUrls: string[];
}

export interface LinkReport {
  problems: Problem[];
  stats: LinkStats;
}

/** Attributes that hold a URL, by element. `srcset` holds a list. */
const URL_ATTRIBUTES: Record<string, string[]> = {
  a: ['href'],
  area: ['href'],
  link: ['href'],
  script: ['src'],
  img: ['src', 'srcset'],
  source: ['src', 'srcset'],
  iframe: ['src'],
  video: ['src', 'poster'],
  audio: ['src'],
  track: ['src'],
  embed: ['src'],
  object: ['data'],
  input: ['src'],
  form: ['action'],
};

/**
 * node-html-parser keeps `<pre>` as raw text by default; parse it like the
 * rest, so links and ids inside code blocks count. Scripts and styles stay raw.
 */
export const PARSE_OPTIONS = { comment: false, blockTextElements: { script: true, noscript: true, style: true } } as const;

/** Every `.html` file under dir, sorted. */
export function listHtmlFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.html')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** The site path a file is served at: `guides/x/index.html` -> `/guides/x/`. */
export function pagePathOf(distDir: string, file: string): string {
  const rel = path.relative(distDir, file).split(path.sep).join('/');
  return '/' + rel.replace(/(^|\/)index\.html$/, '$1');
}

/**
 * Offset of the attribute's value (or of `part` inside it, for one srcset
 * candidate) in the source; the tag's own offset when not found.
 */
function attributeOffset(source: string, el: HTMLElement, attr: string, part?: string): number {
  const start = el.range[0];
  const tagEnd = source.indexOf('>', start);
  const tag = source.slice(start, tagEnd === -1 ? undefined : tagEnd);
  const m = new RegExp(`\\s${attr}\\s*=\\s*["']?`, 'i').exec(tag);
  if (!m) return start;
  const valueStart = m.index + m[0].length;
  const at = part ? tag.indexOf(part, valueStart) : -1;
  return start + (at === -1 ? valueStart : at);
}

interface Page {
  file: string;
  ids: Set<string>;
}

/** Ids (and legacy `<a name>`) a fragment may point at. */
function collectIds(root: HTMLElement): Set<string> {
  const ids = new Set<string>();
  for (const el of root.querySelectorAll('[id]')) ids.add(el.getAttribute('id')!);
  for (const el of root.querySelectorAll('a[name]')) ids.add(el.getAttribute('name')!);
  return ids;
}

/**
 * A page's canonical link to its own route. Astro's route for `404.html` is
 * `/404/`, and Starlight writes that as the 404 page's canonical URL; no host
 * serves it there, but it names the page itself, which exists.
 */
function isSelfCanonical(el: HTMLElement, target: string, own: string): boolean {
  if (!(el.getAttribute('rel') ?? '').split(/\s+/).includes('canonical')) return false;
  const forms = (p: string) => p.replace(/(\/index)?\.html$/, '').replace(/\/$/, '');
  return forms(target) === forms(own);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Checks every HTML file under distDir. Returns every broken internal
 * reference and broken fragment with its position, plus counts.
 */
export function checkLinks(distDir: string, options: CheckLinksOptions = {}): LinkReport {
  const dist = path.resolve(distDir);
  const base = ('/' + (options.base ?? '/').replace(/^\/+|\/+$/g, '') + '/').replace(/\/+/g, '/');
  const siteOrigin = options.siteUrl ? new URL(options.siteUrl).origin : undefined;
  const display =
    options.display ??
    ((abs: string) => {
      const rel = path.relative(process.cwd(), abs);
      return rel.startsWith('..') ? abs : rel;
    });
  const problems: Problem[] = [];
  const stats: LinkStats = { pages: 0, internal: 0, anchors: 0, external: 0, other: 0, externalUrls: [] };
  const external = new Set<string>();
  const pages = new Map<string, Page | null>();

  const loadPage = (file: string): Page | null => {
    if (!pages.has(file)) {
      try {
        pages.set(file, { file, ids: collectIds(parse(readFileSync(file, 'utf8'), PARSE_OPTIONS)) });
      } catch {
        pages.set(file, null);
      }
    }
    return pages.get(file)!;
  };

  const isFile = (p: string) => existsSync(p) && statSync(p).isFile();

  /** The file a site path is served from, or undefined. `/dir/` and `/dir` both mean dir/index.html. */
  const resolveTarget = (sitePath: string): string | undefined => {
    if (!sitePath.startsWith(base) && sitePath + '/' !== base) return undefined;
    const rel = safeDecode(sitePath.slice(base.length - 1)).replace(/^\/+/, '');
    const abs = path.resolve(dist, rel);
    if (abs !== dist && !abs.startsWith(dist + path.sep)) return undefined; // escapes the site
    if (sitePath.endsWith('/')) return isFile(path.join(abs, 'index.html')) ? path.join(abs, 'index.html') : undefined;
    if (isFile(abs)) return abs;
    if (isFile(path.join(abs, 'index.html'))) return path.join(abs, 'index.html');
    if (isFile(abs + '.html')) return abs + '.html';
    return undefined;
  };

  for (const file of listHtmlFiles(dist)) {
    stats.pages++;
    const source = readFileSync(file, 'utf8');
    const root = parse(source, PARSE_OPTIONS);
    pages.set(file, { file, ids: collectIds(root) });
    const starts = lineStarts(source);
    const pageUrl = new URL(pagePathOf(dist, file), 'http://site.invalid');
    const shown = display(file);
    const report = (el: HTMLElement, attr: string, message: string, part?: string) => {
      problems.push({ file: shown, ...lineColumn(starts, attributeOffset(source, el, attr, part)), rule: RULE, severity: 'error', message });
    };

    for (const [tag, attrs] of Object.entries(URL_ATTRIBUTES)) {
      for (const el of root.querySelectorAll(tag)) {
        for (const attr of attrs) {
          const raw = el.getAttribute(attr);
          if (raw === undefined) continue;
          const values = attr === 'srcset' ? raw.split(',').map((c) => c.trim().split(/\s+/)[0] ?? '').filter(Boolean) : [raw.trim()];
          for (const value of values) {
            if (value === '') {
              if (tag === 'form') continue; // an empty action submits to the page itself
              report(el, attr, `<${tag} ${attr}=""> is empty`);
              continue;
            }
            const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
            let url: URL;
            if (value.startsWith('//') || scheme === 'http' || scheme === 'https') {
              url = new URL(value, 'https://x.invalid');
              if (!siteOrigin || url.origin !== siteOrigin) {
                stats.external++;
                external.add(value);
                continue;
              }
              url = new URL(url.pathname + url.search + url.hash, 'http://site.invalid');
            } else if (scheme) {
              stats.other++;
              continue;
            } else {
              url = new URL(value, pageUrl);
            }
            stats.internal++;
            if (tag === 'link' && isSelfCanonical(el, url.pathname, pageUrl.pathname)) continue;
            const fragment = url.hash ? safeDecode(url.hash.slice(1)) : '';
            const target = value.startsWith('#') ? file : resolveTarget(url.pathname);
            if (!target) {
              const where = url.pathname.endsWith('/') ? `${url.pathname}index.html` : url.pathname;
              report(el, attr, `${value}: no file ${display(path.join(dist, safeDecode(where)))} in the built site`, value);
              continue;
            }
            if (!url.hash || fragment === '' || fragment === 'top') continue; // `#` and `#top` mean the top of the page
            if (!target.endsWith('.html')) continue; // fragments of non-HTML files are not ids
            stats.anchors++;
            const page = loadPage(target);
            if (!page?.ids.has(fragment)) {
              report(el, attr, `${value}: no element with id "${fragment}" in ${display(target)}`, value);
            }
          }
        }
      }
    }
  }
  stats.externalUrls = [...external].sort();
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
  return { problems, stats };
}
