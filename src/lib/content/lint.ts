/**
 * Content lint: rules over articles and examples that the content guard does
 * not cover, as pure functions over strings so each rule is unit-tested on
 * fixtures. test/content/content.test.ts runs them over the real content/ and
 * examples/.
 *
 * - personal data: no e-mail address or phone number in an article or an
 *   example file;
 * - internal links: every Markdown link and href starting with `/` points at
 *   an article, an example page or file, /examples/, /validation/,
 *   /conformance/, or a file in public/;
 * - commands: every `kubectl` command in a shell code block equals a command
 *   an example's check renders, or an apply command the Example component
 *   prints, so the article cannot show a command CI did not run;
 * - every example is embedded by at least one article.
 */
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { applyCommands, renderCheck } from '../checks/commands.ts';
import type { LoadedExample } from '../examples/load.ts';
import type { Problem } from '../problems.ts';
import { CONFORMANCE_PATH, EXAMPLES_INDEX_PATH, examplePagePath, rawFilePath, rawFileUrl, VALIDATION_PATH } from '../site-config.ts';

/* ------------------------------------------------------------------ */
/* positions                                                           */
/* ------------------------------------------------------------------ */

/** 1-based line and column of a string offset. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/* ------------------------------------------------------------------ */
/* personal data                                                       */
/* ------------------------------------------------------------------ */

export interface Finding {
  kind: 'email' | 'phone';
  match: string;
  offset: number;
}

/**
 * An e-mail address: local part, `@`, a dotted domain ending in a letters-only
 * TLD. npm specs (`vitest@5.1.1`), image digests (`agnhost@sha256:...`),
 * scoped packages (`@astrojs/mdx`) and kubeconfig users
 * (`kubernetes-admin@kubernetes`) do not match.
 */
export const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])/g;

/**
 * Phone numbers in the formats people write:
 * - international: `+1 415 555 0100`, `+44 20 7946 0958`, `+14155550100`,
 *   `+49 (0)30 1234567`, `+1-415-555-0100`;
 * - North American: `(415) 555-0100`, `415-555-0100`, `415.555.0100`, `415 555 0100`.
 * Dotted quads, CIDRs, versions, ports and dates do not match: the
 * international form needs a leading `+` and 8 to 15 digits, and the
 * North American form a 3-3-4 grouping with one separator throughout (or
 * parentheses), which none of those has.
 */
const INTERNATIONAL = /(?<![\w+.\/-])\+\d{1,3}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]?\d{1,5}){1,6}(?![\w.\/:-]*\d)/g;
const NANP_PARENS = /(?<![\w.\/-])\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}(?![\w.\/:-]*\d)/g;
const NANP_PLAIN = /(?<![\w.\/:+-])\d{3}([-. ])\d{3}\1\d{4}(?![\w.\/:-]*\d)/g;

function digits(s: string): number {
  return s.replace(/\D/g, '').length;
}

/** Looks like an IPv4 address or CIDR (with an optional `+` in front, as in a diff). */
function isIpLike(s: string): boolean {
  return /^\+?\d{1,3}(\.\d{1,3}){3}$/.test(s);
}

export function findEmails(text: string): Finding[] {
  return [...text.matchAll(EMAIL)].map((m) => ({ kind: 'email' as const, match: m[0], offset: m.index! }));
}

export function findPhones(text: string): Finding[] {
  const out: Finding[] = [];
  for (const m of text.matchAll(INTERNATIONAL)) {
    const d = digits(m[0]);
    if (d < 8 || d > 15 || isIpLike(m[0])) continue;
    out.push({ kind: 'phone', match: m[0], offset: m.index! });
  }
  for (const re of [NANP_PARENS, NANP_PLAIN]) {
    for (const m of text.matchAll(re)) {
      if (out.some((f) => m.index! >= f.offset && m.index! < f.offset + f.match.length)) continue;
      out.push({ kind: 'phone', match: m[0], offset: m.index! });
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}

/** Every e-mail address and phone number in a file, as problems. */
export function checkPersonalData(file: string, text: string): Problem[] {
  return [...findEmails(text), ...findPhones(text)]
    .sort((a, b) => a.offset - b.offset)
    .map((f) => ({
      file,
      ...positionAt(text, f.offset),
      rule: 'personal-data',
      severity: 'error' as const,
      message: `${f.kind === 'email' ? 'an e-mail address' : 'a phone number'} "${f.match}"`,
      hint: 'no personal data in articles or examples; use a placeholder such as <your-email> or remove it',
    }));
}

/* ------------------------------------------------------------------ */
/* fences and frontmatter                                              */
/* ------------------------------------------------------------------ */

const FRONTMATTER = /^---\r?\n([\s\S]*?)\r?\n---(?:\r?\n|$)/;

/** The parsed frontmatter of an article, or undefined when it has none or it does not parse. */
export function readFrontmatter(source: string): Record<string, unknown> | undefined {
  const m = source.match(FRONTMATTER);
  if (!m) return undefined;
  try {
    const data = parseYaml(m[1]!);
    return data && typeof data === 'object' ? (data as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Article title/description: both present and non-empty strings. */
export function checkTitleDescription(file: string, source: string): Problem[] {
  const fm = readFrontmatter(source);
  const problems: Problem[] = [];
  for (const key of ['title', 'description'] as const) {
    const v = fm?.[key];
    if (typeof v !== 'string' || v.trim() === '') {
      problems.push({ file, line: 1, column: 1, rule: 'frontmatter', severity: 'error', message: `the article has no ${key}`, hint: `add "${key}: ..." to the frontmatter` });
    }
  }
  return problems;
}

export interface CodeBlock {
  /** The info string's first word, lowercased (`sh`, `bash`, `console`, ...). */
  lang: string;
  /** 1-based line of the first content line (the line after the opening fence). */
  startLine: number;
  /** Content lines, with the fence's own indentation removed. */
  lines: string[];
}

/** Fenced code blocks (``` or ~~~) of a Markdown/MDX source, in order. */
export function findCodeBlocks(source: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = source.split(/\r?\n/);
  let open: { fence: string; indent: number; block: CodeBlock } | null = null;
  lines.forEach((line, i) => {
    if (open === null) {
      const m = line.match(/^(\s*)(`{3,}|~{3,})\s*([^\s`{]*)/);
      if (m) open = { fence: m[2]!, indent: m[1]!.length, block: { lang: m[3]!.toLowerCase(), startLine: i + 2, lines: [] } };
      return;
    }
    const close = line.match(/^\s*(`{3,}|~{3,})\s*$/);
    if (close && close[1]![0] === open.fence[0] && close[1]!.length >= open.fence.length) {
      blocks.push(open.block);
      open = null;
      return;
    }
    const strip = Math.min(open.indent, line.length - line.trimStart().length);
    open.block.lines.push(line.slice(strip));
  });
  return blocks;
}

/** Lines of the source outside fenced code, with their 1-based numbers; the frontmatter is left out. */
function proseLines(source: string): { text: string; line: number }[] {
  const lines = source.split(/\r?\n/);
  const out: { text: string; line: number }[] = [];
  let start = 0;
  const fm = source.match(FRONTMATTER);
  if (fm) start = fm[0].split(/\r?\n/).length - (fm[0].endsWith('\n') ? 1 : 0);
  let fence: string | null = null;
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!;
    const f = line.match(/^\s*(`{3,}|~{3,})/);
    if (f) {
      if (fence === null) fence = f[1]!;
      else if (f[1]![0] === fence[0] && f[1]!.length >= fence.length && line.trim().replace(/[`~]/g, '') === '') fence = null;
      continue;
    }
    if (fence === null) out.push({ text: line, line: i + 1 });
  }
  return out;
}

/* ------------------------------------------------------------------ */
/* internal links                                                      */
/* ------------------------------------------------------------------ */

export interface FoundLink {
  href: string;
  line: number;
  column: number;
}

/**
 * Internal links of an article: Markdown links and images `[text](/path)`,
 * reference definitions `[id]: /path`, `href` and `src` attributes
 * (`href="/path"`, `href='/path'`, `href={"/path"}`), outside fenced code and inline code spans,
 * plus frontmatter `link: /path` values (Starlight hero actions).
 * Protocol-relative `//host` links are external and left out.
 */
export function findInternalLinks(source: string): FoundLink[] {
  const out: FoundLink[] = [];
  const fmMatch = source.match(FRONTMATTER);
  if (fmMatch) {
    fmMatch[0].split(/\r?\n/).forEach((line, i) => {
      const m = line.match(/^(\s*(?:-\s+)?link:\s*)(['"]?)(\/[^'"\s]*)\2\s*$/);
      if (m && !m[3]!.startsWith('//')) out.push({ href: m[3]!, line: i + 1, column: m[1]!.length + m[2]!.length + 1 });
    });
  }
  for (const { text, line } of proseLines(source)) {
    // Blank out inline code so `[x](/y)` in backticks is not a link.
    const masked = text.replace(/`+[^`]*`+/g, (s) => ' '.repeat(s.length));
    const patterns = [
      /\]\(\s*<?(\/[^)\s>]*)>?(?:\s+["'(][^)]*)?\)/g, // [text](/path "title")
      /^\s*\[[^\]]+\]:\s*<?(\/\S*?)>?(?:\s|$)/g, // [ref]: /path
      /\b(?:href|src)\s*=\s*(?:"(\/[^"]*)"|'(\/[^']*)'|\{\s*["'`](\/[^"'`]*)["'`]\s*\})/g,
    ];
    for (const re of patterns) {
      for (const m of masked.matchAll(re)) {
        const href = m[1] ?? m[2] ?? m[3];
        if (!href || href.startsWith('//')) continue;
        out.push({ href, line, column: m.index! + m[0].indexOf(href) + 1 });
      }
    }
  }
  return out;
}

/** The route of an article file relative to the content dir: `guides/services.mdx` -> `/guides/services/`. */
export function articleRoute(relativeFile: string, frontmatter?: Record<string, unknown>): string {
  if (typeof frontmatter?.slug === 'string') {
    const s = frontmatter.slug.replace(/^\/+|\/+$/g, '');
    return s === '' ? '/' : `/${s}/`;
  }
  const noExt = relativeFile.split(path.sep).join('/').replace(/\.(md|mdx)$/, '');
  const parts = noExt.split('/').map((p) => p.toLowerCase().replace(/\s+/g, '-'));
  if (parts[parts.length - 1] === 'index') parts.pop();
  return parts.length === 0 ? '/' : `/${parts.join('/')}/`;
}

export interface LinkTargets {
  /** Site paths that exist, each in the form `/a/b/` (pages) or `/a/b.ext` (files). */
  paths: Set<string>;
}

/** Everything an internal link may point at. */
export function linkTargets(opts: { articleRoutes: string[]; examples: Pick<LoadedExample, 'id' | 'files'>[]; publicFiles: string[] }): LinkTargets {
  const paths = new Set<string>(['/', EXAMPLES_INDEX_PATH, VALIDATION_PATH, CONFORMANCE_PATH]);
  for (const r of opts.articleRoutes) paths.add(r);
  for (const ex of opts.examples) {
    paths.add(examplePagePath(ex.id));
    paths.add(rawFilePath(`${ex.id}/example.yaml`));
    for (const f of ex.files) paths.add(rawFilePath(f.examplePath));
  }
  for (const f of opts.publicFiles) paths.add('/' + f.split(path.sep).join('/').replace(/^\/+/, ''));
  return { paths };
}

/** Does an internal href resolve? Fragments and queries are ignored; a trailing slash is optional for pages. */
export function resolvesInternalLink(href: string, targets: LinkTargets): boolean {
  let p = href.replace(/[?#].*$/, '');
  if (p === '') return true; // `/#top` style: the page itself
  try {
    p = decodeURI(p);
  } catch {
    return false;
  }
  if (targets.paths.has(p)) return true;
  if (!p.endsWith('/') && targets.paths.has(`${p}/`)) return true;
  if (p.endsWith('/index.html') && targets.paths.has(p.slice(0, -'index.html'.length))) return true;
  return false;
}

export function checkInternalLinks(file: string, source: string, targets: LinkTargets): Problem[] {
  return findInternalLinks(source)
    .filter((l) => !resolvesInternalLink(l.href, targets))
    .map((l) => ({
      file,
      line: l.line,
      column: l.column,
      rule: 'internal-link',
      severity: 'error' as const,
      message: `link ${l.href} points at no article, example, or file in public/`,
      hint: 'link to an article as /<folder>/<file-name>/, to an example as /examples/<topic>/<slug>/, or add the file to public/',
    }));
}

/* ------------------------------------------------------------------ */
/* commands                                                            */
/* ------------------------------------------------------------------ */

export const SHELL_LANGS = new Set(['sh', 'bash', 'console', 'shell']);

export interface FoundCommand {
  command: string;
  line: number;
}

/** Collapses runs of spaces and tabs, so alignment does not matter. */
export function normalizeCommand(c: string): string {
  return c.trim().replace(/[ \t]+/g, ' ');
}

/**
 * Commands in the shell code blocks (sh, bash, shell, console) of an article.
 * A `$ ` prompt is removed; in a console block that has prompts, only prompt
 * lines are commands (the rest is output). Comment lines are skipped, `\`
 * continuations are joined, and here-document bodies are skipped.
 */
export function findShellCommands(source: string): FoundCommand[] {
  const out: FoundCommand[] = [];
  for (const block of findCodeBlocks(source)) {
    if (!SHELL_LANGS.has(block.lang)) continue;
    const promptOnly = block.lang === 'console' && block.lines.some((l) => /^\s*\$\s/.test(l));
    let pending: FoundCommand | null = null;
    let heredoc: string | null = null;
    block.lines.forEach((raw, i) => {
      const lineNo = block.startLine + i;
      if (heredoc !== null) {
        if (raw.trim() === heredoc) heredoc = null;
        return;
      }
      let text = raw;
      if (pending === null) {
        const prompt = text.match(/^\s*\$\s+/);
        if (prompt) text = text.slice(prompt[0].length);
        else if (promptOnly) return;
        if (text.trim() === '' || text.trim().startsWith('#')) return;
      }
      const continued = /\\\s*$/.test(text);
      const part = continued ? text.replace(/\\\s*$/, '') : text;
      if (pending === null) pending = { command: part, line: lineNo };
      else pending.command += ' ' + part;
      if (!continued) {
        pending.command = normalizeCommand(pending.command);
        const hd = pending.command.match(/<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/);
        if (hd) heredoc = hd[2]!;
        out.push(pending);
        pending = null;
      }
    });
    if (pending !== null) {
      const p: FoundCommand = pending;
      out.push({ command: normalizeCommand(p.command), line: p.line });
    }
  }
  return out;
}

/** The commands the Example component prints to apply an example (see src/components/Example.astro). */
export { applyCommands };

/** Every kubectl command an article may show: each example's rendered checks and apply commands. */
export function allowedCommands(examples: Pick<LoadedExample, 'id' | 'slug' | 'files' | 'spec'>[], siteUrl?: string): Map<string, string> {
  const allowed = new Map<string, string>();
  for (const ex of examples) {
    for (const c of ex.spec.checks) allowed.set(normalizeCommand(renderCheck(c, ex.slug).command), ex.id);
    for (const c of applyCommands(ex, siteUrl)) allowed.set(normalizeCommand(c), ex.id);
  }
  return allowed;
}

function namespaceOf(command: string): string | undefined {
  return command.match(/(?:^|\s)(?:-n|--namespace)(?:\s+|=)([a-z0-9-]+)/)?.[1];
}

/** Problems for every `kubectl` command in a shell block that is not a rendered check or apply command. */
export function checkCommands(file: string, source: string, allowed: Map<string, string>): Problem[] {
  const problems: Problem[] = [];
  for (const c of findShellCommands(source)) {
    if (!/^kubectl(\s|$)/.test(c.command)) continue;
    if (allowed.has(c.command)) continue;
    const ns = namespaceOf(c.command);
    const sameNs = ns ? [...allowed.entries()].filter(([cmd]) => namespaceOf(cmd) === ns) : [];
    const exampleId = sameNs[0]?.[1];
    problems.push({
      file,
      line: c.line,
      column: 1,
      rule: 'command-not-a-check',
      severity: 'error',
      message: `"${c.command}" is not a command any example's checks render`,
      hint: exampleId
        ? `add a check to examples/${exampleId}/example.yaml that renders exactly this command (the page shows it under "Try it"), or copy one of: ${sameNs.slice(0, 3).map(([cmd]) => cmd).join(' | ')}`
        : 'every kubectl command in an article must be a check of an example (run by CI); add it as a check to the example it belongs to, then copy the rendered command',
    });
  }
  return problems;
}

/* ------------------------------------------------------------------ */
/* example usage                                                       */
/* ------------------------------------------------------------------ */

/** Example ids that no article embeds. */
export function unusedExamples(exampleIds: string[], embeddedPaths: Iterable<string>): string[] {
  const used = new Set(embeddedPaths);
  return exampleIds.filter((id) => !used.has(id));
}
