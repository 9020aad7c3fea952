/**
 * Content rules as pure functions over strings, so each is unit-tested on
 * fixtures; src/lib/content/guard.ts runs them over content/ and examples/
 * (the build and `npm run check:content`).
 *
 * - personal data: no e-mail address or phone number in an article or an
 *   example file;
 * - commands: every `kubectl` command in a shell code block equals a command
 *   an example's check renders, or an apply command the Example component
 *   prints, so the article cannot show a command CI did not run;
 * - every example is embedded by at least one article.
 */
import { applyCommands, renderCheck } from '../checks/commands.ts';
import type { LoadedExample } from '../examples/load.ts';
import type { Problem } from '../problems.ts';
import { positionAt } from '../line-index.ts';
import { scanMdx, type ScannedMdx } from './mdx.ts';

/* ------------------------------------------------------------------ */
/* personal data                                                       */
/* ------------------------------------------------------------------ */

export interface PersonalDataFinding {
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

export function findEmails(text: string): PersonalDataFinding[] {
  return [...text.matchAll(EMAIL)].map((m) => ({ kind: 'email' as const, match: m[0], offset: m.index! }));
}

export function findPhones(text: string): PersonalDataFinding[] {
  const out: PersonalDataFinding[] = [];
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
export function findShellCommands(source: string | ScannedMdx): FoundCommand[] {
  const out: FoundCommand[] = [];
  const scanned = typeof source === 'string' ? scanMdx(source) : source;
  for (const block of scanned.codeBlocks) {
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
export function checkCommands(file: string, source: string | ScannedMdx, allowed: Map<string, string>): Problem[] {
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
