/**
 * The one MDX scanner: an article's frontmatter, fenced code blocks and
 * component tags, with 1-based positions. Every content rule (the guard, the
 * command and personal-data rules, the scaffolder, the route model's callers)
 * reads articles through it.
 *
 * The body is parsed by mdast-util-from-markdown (CommonMark, the parser
 * remark and @astrojs/mdx build on) with indented code turned off as MDX
 * does, so a tag indented inside a component is still a tag. No MDX
 * extension package is installed, so component tags are read from the raw
 * HTML nodes CommonMark produces for them: a tag inside a code fence or an
 * inline code span is never a tag. The frontmatter block is cut off first and
 * replaced by blank lines, so positions stay those of the file.
 */
import { fromMarkdown } from 'mdast-util-from-markdown';
import { parse as parseYaml } from 'yaml';
import { lineColumn, lineStarts } from '../line-index.ts';
import type { Code, Html, Nodes } from 'mdast';

/** The frontmatter block: `---` on the first line up to the next `---` line. */
const FRONTMATTER = /^---\r?\n([\s\S]*?)\r?\n?---[ \t]*(?:\r?\n|$)/;

export interface Frontmatter {
  /** The YAML text between the fences. */
  yaml: string;
  /** 1-based line of the YAML's first line (2: right after the opening fence). */
  line: number;
}

export interface CodeBlock {
  /** The info string's first word, lowercased (`sh`, `bash`, `console`, ...; `` when none). */
  lang: string;
  /** 1-based line of the first content line (the line after the opening fence). */
  startLine: number;
  /** Content lines, the fence's own indentation removed. */
  lines: string[];
}

export interface ComponentTag {
  /** Component name, e.g. `Example` (only capitalised names: components, not HTML). */
  name: string;
  /** Literal attribute values; an expression value (`path={x}`) is undefined, a bare attribute `''`. */
  attributes: Record<string, string | undefined>;
  line: number;
  column: number;
}

export interface ScannedMdx {
  frontmatter: Frontmatter | undefined;
  codeBlocks: CodeBlock[];
  tags: ComponentTag[];
}

/** The frontmatter block of a source, if it has one. */
export function frontmatterOf(source: string): Frontmatter | undefined {
  const m = FRONTMATTER.exec(source);
  return m ? { yaml: m[1]!, line: 2 } : undefined;
}

const TAG = /<([A-Z][\w.]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|\{[^}]*\}|[^\s"'=<>`/]+))?)*)\s*\/?>/g;
const ATTRIBUTE = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|(\{[^}]*\})|([^\s"'=<>`/]+)))?/g;

function attributesOf(text: string): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const m of text.matchAll(ATTRIBUTE)) {
    const [, name, dq, sq, expr, bare] = m;
    out[name!] = expr !== undefined ? undefined : dq ?? sq ?? bare ?? '';
  }
  return out;
}

function visit(node: Nodes, fn: (n: Nodes) => void): void {
  fn(node);
  if ('children' in node) for (const c of node.children) visit(c as Nodes, fn);
}

/** Frontmatter, code blocks and component tags of an MDX/Markdown source. */
export function scanMdx(source: string): ScannedMdx {
  const frontmatter = frontmatterOf(source);
  // Blank the frontmatter out line for line, so body positions are file positions.
  const fmText = frontmatter ? FRONTMATTER.exec(source)![0] : '';
  const body = fmText.replace(/[^\n]/g, ' ') + source.slice(fmText.length);
  const tree = fromMarkdown(body, { extensions: [{ disable: { null: ['codeIndented'] } }] });
  const codeBlocks: CodeBlock[] = [];
  const tags: ComponentTag[] = [];
  const starts = lineStarts(body);
  visit(tree, (n) => {
    if (n.type === 'code') {
      const c = n as Code;
      codeBlocks.push({ lang: (c.lang ?? '').toLowerCase(), startLine: c.position!.start.line + 1, lines: c.value === '' ? [] : c.value.split(/\r?\n/) });
    } else if (n.type === 'html') {
      const h = n as Html;
      const start = h.position!.start.offset!;
      for (const m of body.slice(start, h.position!.end.offset!).matchAll(TAG)) {
        tags.push({ name: m[1]!, attributes: attributesOf(m[2]!), ...lineColumn(starts, start + m.index!) });
      }
    }
  });
  return { frontmatter, codeBlocks, tags };
}

/** The frontmatter as data, leniently: undefined when there is none or it does not parse (the guard reports why). */
export function readFrontmatter(source: string): Record<string, unknown> | undefined {
  const fm = frontmatterOf(source);
  if (!fm) return undefined;
  try {
    const data: unknown = parseYaml(fm.yaml);
    return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
