/**
 * `npm run stats:site [-- --json]`: numbers about the built site, for release
 * notes: total size of dist/ (as `du -sh` counts it), HTML pages, the last
 * build time, and the JavaScript each article page loads. When there is no
 * dist/ (or no recorded build time), it builds the site first and times it.
 *
 * JavaScript per page = every <script src> file plus everything those files
 * import statically (the browser fetches those at once), plus inline scripts.
 * Code loaded only through a dynamic import() (Pagefind's UI, imported when
 * the page is idle) and Pagefind's runtime (fetched on the first search) is
 * listed separately, not counted.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'node-html-parser';
import { listHtmlFiles, PARSE_OPTIONS } from '../src/lib/links/check-links.ts';
import { distFileForRoute } from '../src/lib/site/routes.ts';
import { listArticlePages } from '../src/lib/links/site-pages.ts';
import { siteConfig } from '../src/lib/site/config.ts';

const config = siteConfig();
const root = config.root;
const args = process.argv.slice(2);
const json = args.includes('--json');
const dist = path.resolve(root, args.find((a) => !a.startsWith('--')) ?? config.outDir);
const buildMsFile = config.lastBuildMsFile;

// ---- build time (and a build when there is nothing to measure) ----
let buildMs: number | undefined;
let buildSource: string;
if (existsSync(path.join(dist, 'index.html')) && existsSync(buildMsFile)) {
  buildMs = Number(readFileSync(buildMsFile, 'utf8').trim());
  buildSource = `recorded in ${path.relative(root, buildMsFile)} at ${statSync(buildMsFile).mtime.toISOString().slice(0, 16).replace('T', ' ')}`;
} else {
  process.stderr.write('site-stats: no recorded build time (or no dist/); building the site now to time it...\n');
  const started = Date.now();
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/build.ts'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ASTRO_OUT_DIR: dist },
  });
  if (r.status !== 0) {
    console.error('site-stats: the build failed; no numbers.');
    process.exit(1);
  }
  buildMs = Date.now() - started;
  mkdirSync(path.dirname(buildMsFile), { recursive: true });
  writeFileSync(buildMsFile, String(buildMs));
  buildSource = 'timed just now';
}

// ---- size ----
let files = 0;
let bytes = 0;
let diskBytes = 0;
const walk = (d: string) => {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    const st = statSync(p);
    diskBytes += st.blocks * 512;
    if (e.isDirectory()) walk(p);
    else {
      files++;
      bytes += st.size;
    }
  }
};
diskBytes += statSync(dist).blocks * 512;
walk(dist);
const htmlPages = listHtmlFiles(dist).length;

// ---- JavaScript per article page ----
const gz = (b: Buffer | string) => gzipSync(b).length;
const sitePathToFile = (p: string) => path.join(dist, decodeURIComponent(p.replace(/^\//, '')));
const fileSize = new Map<string, number>();
const sizeOf = (sitePath: string) => {
  if (!fileSize.has(sitePath)) {
    const f = sitePathToFile(sitePath);
    fileSize.set(sitePath, existsSync(f) ? statSync(f).size : 0);
  }
  return fileSize.get(sitePath)!;
};

const STATIC_IMPORT = [/\bfrom\s*["']([^"'`]+?\.m?js)["']/g, /\bimport\s*["']([^"'`]+?\.m?js)["']/g];
const DYNAMIC_IMPORT = /\bimport\(\s*["'`]([^"'`$]+?\.m?js)["'`]\s*\)/g;
interface Graph {
  eager: Set<string>;
  lazy: Set<string>;
}
const importsCache = new Map<string, { stat: string[]; dyn: string[]; pagefind: boolean }>();
function importsOf(sitePath: string) {
  if (!importsCache.has(sitePath)) {
    const f = sitePathToFile(sitePath);
    const code = existsSync(f) ? readFileSync(f, 'utf8') : '';
    const resolve = (spec: string) => (spec.startsWith('.') || spec.startsWith('/') ? new URL(spec, `http://x${sitePath}`).pathname : undefined);
    const stat = STATIC_IMPORT.flatMap((re) => [...code.matchAll(re)].map((m) => resolve(m[1]!))).filter((x): x is string => !!x);
    const dyn = [...code.matchAll(DYNAMIC_IMPORT)].map((m) => resolve(m[1]!)).filter((x): x is string => !!x);
    importsCache.set(sitePath, { stat, dyn, pagefind: /pagefind\.js/.test(code) });
  }
  return importsCache.get(sitePath)!;
}
/** Everything a set of entry scripts loads eagerly, and what they load only on demand. */
function graph(entries: string[]): Graph & { pagefind: boolean } {
  const eager = new Set<string>();
  const lazy = new Set<string>();
  let pagefind = false;
  const visit = (p: string, into: Set<string>) => {
    if (eager.has(p) || into.has(p)) return;
    into.add(p);
    const { stat, dyn, pagefind: pf } = importsOf(p);
    pagefind ||= pf;
    for (const s of stat) visit(s, into);
    for (const d of dyn) visit(d, lazy);
  };
  for (const e of entries) visit(e, eager);
  for (const p of eager) lazy.delete(p);
  return { eager, lazy, pagefind };
}

interface PageJs {
  route: string;
  source: string;
  files: number;
  fileBytes: number;
  inlineScripts: number;
  inlineBytes: number;
  totalBytes: number;
  gzipBytes: number;
}
const lazyAll = new Set<string>();
let usesPagefind = false;
const articlePages: PageJs[] = [];
for (const a of listArticlePages(config.contentDir)) {
  const file = distFileForRoute(dist, a.route);
  if (!existsSync(file)) continue;
  const doc = parse(readFileSync(file, 'utf8'), PARSE_OPTIONS);
  const scripts = doc.querySelectorAll('script');
  const isJs = (t: string | undefined) => !t || t === 'module' || t === 'text/javascript' || t === 'application/javascript';
  const entries = scripts.filter((s) => s.getAttribute('src') && isJs(s.getAttribute('type'))).map((s) => new URL(s.getAttribute('src')!, `http://x${a.route}`).pathname);
  const inline = scripts.filter((s) => !s.getAttribute('src') && isJs(s.getAttribute('type')));
  const g = graph(entries);
  g.lazy.forEach((p) => lazyAll.add(p));
  usesPagefind ||= g.pagefind;
  const fileBytes = [...g.eager].reduce((n, p) => n + sizeOf(p), 0);
  const inlineText = inline.map((s) => s.rawText).join('\n');
  const inlineBytes = Buffer.byteLength(inlineText);
  const gzipBytes = gz(Buffer.concat([...[...g.eager].map((p) => (existsSync(sitePathToFile(p)) ? readFileSync(sitePathToFile(p)) : Buffer.alloc(0))), Buffer.from(inlineText)]));
  articlePages.push({ route: a.route, source: a.rel, files: g.eager.size, fileBytes, inlineScripts: inline.length, inlineBytes, totalBytes: fileBytes + inlineBytes, gzipBytes });
}

// Pagefind: the modules search imports on demand, and Pagefind's own runtime they fetch.
// Starlight's search script imports Pagefind's UI with import() once the page is idle (on
// every page, after load); the UI fetches Pagefind's runtime, worker and WebAssembly on the
// first query. Measured in Chromium: nothing else under /pagefind/ is JavaScript it loads.
const lazyFiles: { path: string; bytes: number; gzip: number; note: string }[] = [...lazyAll].sort().map((p) => ({ path: p, bytes: sizeOf(p), gzip: gz(readFileSync(sitePathToFile(p))), note: 'Pagefind UI: import() when the page is idle, after load' }));
if (usesPagefind) {
  const pf = path.join(dist, 'pagefind');
  const names = ['pagefind.js', 'pagefind-worker.js', ...(existsSync(pf) ? readdirSync(pf).filter((n) => /^wasm\..+\.pagefind$/.test(n) && n !== 'wasm.unknown.pagefind') : [])];
  for (const name of names) {
    const f = path.join(pf, name);
    if (existsSync(f)) lazyFiles.push({ path: `/pagefind/${name}`, bytes: statSync(f).size, gzip: gz(readFileSync(f)), note: name.endsWith('.js') ? 'Pagefind runtime: fetched on the first search' : 'Pagefind WebAssembly: fetched on the first search' });
  }
}

// ---- output ----
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const human = (n: number) => {
  const units = ['', 'K', 'M', 'G'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 || i === 0 ? Math.ceil(v) : Math.ceil(v * 10) / 10}${units[i]}`;
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : 0;
};
const rel = path.relative(root, dist) || '.';

if (json) {
  console.log(JSON.stringify({ dist: rel, diskBytes, bytes, files, htmlPages, buildMs, buildSource, articlePages, lazy: lazyFiles }, null, 2));
} else {
  const lines: string[] = [];
  lines.push(`Site stats for ${rel}/`);
  lines.push(`  total size        ${human(diskBytes)}\t${rel} (du -sh; ${bytes.toLocaleString('en')} bytes in ${files} files)`);
  lines.push(`  HTML pages        ${htmlPages}`);
  lines.push(`  last build time   ${buildMs !== undefined ? `${(buildMs / 1000).toFixed(1)} s` : 'unknown'} (${buildSource})`);
  lines.push(`  JavaScript per article page (<script src> files with their static imports, plus inline scripts; raw / gzip):`);
  const w = Math.max(...articlePages.map((p) => p.route.length), 4);
  for (const p of articlePages) {
    lines.push(`    ${p.route.padEnd(w)}  ${kb(p.totalBytes).padStart(8)} / ${kb(p.gzipBytes).padStart(8)}   (${p.files} files ${kb(p.fileBytes)} + ${p.inlineScripts} inline ${kb(p.inlineBytes)})`);
  }
  if (articlePages.length) {
    const totals = articlePages.map((p) => p.totalBytes);
    lines.push(`    ${'median'.padEnd(w)}  ${kb(median(totals)).padStart(8)}; min ${kb(Math.min(...totals))}, max ${kb(Math.max(...totals))} over ${articlePages.length} article pages`);
  }
  lines.push(`  Pagefind, loaded lazily (not counted above; raw / gzip):`);
  for (const f of lazyFiles) lines.push(`    ${f.path.padEnd(w)}  ${kb(f.bytes).padStart(8)} / ${kb(f.gzip).padStart(8)}   ${f.note}`);
  if (lazyFiles.length) lines.push(`    ${'total'.padEnd(w)}  ${kb(lazyFiles.reduce((n, f) => n + f.bytes, 0)).padStart(8)} / ${kb(lazyFiles.reduce((n, f) => n + f.gzip, 0)).padStart(8)}   plus the index chunk and result fragments each query fetches`);
  console.log(lines.join('\n'));
}
