/**
 * The content guard: every content rule over content/ and examples/, run
 * before Astro builds (src/integrations/content-guard.ts) and by
 * `npm run check:content`, so bad input fails with file:line:col, the rule
 * and a hint instead of a stack trace.
 *
 * - every example loads (spec valid, every manifest parses), loaded once;
 * - article frontmatter parses and matches articleFrontmatter;
 * - every <Example path="..."> names an example that loads, and the
 *   frontmatter `examples` list and the tags agree;
 * - no e-mail address or phone number in an article or an example file;
 * - every kubectl command in an article's shell blocks is one an example
 *   renders (its checks or its apply commands), so CI ran it;
 * - every example is embedded by at least one article (a warning: the
 *   example still has its own page; test/content fails on it for the
 *   repository's own examples, while fixture trees may leave some out);
 * - examples/topics.json matches its schema.
 *
 * Links are not checked here: the built-site check (scripts/check-links.ts)
 * sees the routes Astro really made.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { type Problem, ProblemError } from '../problems.ts';
import { parseYamlWithPositions, positionOf } from '../yaml/positions.ts';
import { articleFrontmatter } from './article-schema.ts';
import { listExampleIds, loadAllExamples, loadExample, type LoadedExample } from '../examples/load.ts';
import { allowedCommands, checkCommands, checkPersonalData, unusedExamples } from './lint.ts';
import { scanMdx, type ScannedMdx } from './mdx.ts';
import { readTopics } from '../examples/topics.ts';

export interface ExampleTag {
  /** The literal path; `{expression}` when it is an expression, `` when the attribute is missing. */
  path: string;
  line: number;
  column: number;
}

export interface ScannedArticle {
  file: string;
  frontmatter: Record<string, unknown> | undefined;
  tags: ExampleTag[];
}

/** Article files under dir (md/mdx, not starting with `_`), sorted. */
export function listArticleFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(md|mdx)$/.test(e) && !e.startsWith('_')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** The `<Example>` tags of a scanned article. */
export function exampleTags(scanned: ScannedMdx): ExampleTag[] {
  return scanned.tags
    .filter((t) => t.name === 'Example')
    .map((t) => ({ path: 'path' in t.attributes ? t.attributes.path ?? '{expression}' : '', line: t.line, column: t.column }));
}

/** `<Example>` tags of a source (outside code), with their positions. */
export function findExampleTags(source: string): ExampleTag[] {
  return exampleTags(scanMdx(source));
}

/** A literal example path (not missing, not an expression). */
const literal = (t: ExampleTag) => t.path !== '' && t.path !== '{expression}';

/** The examples of a root, each loaded once: what loaded and the problems of the ones that did not. */
export interface ExampleIndex {
  root: string;
  /** Every example id under the root. */
  ids: string[];
  loaded: LoadedExample[];
  /** Problems of the examples under the root that do not load. */
  problems: Problem[];
  /** The problems of loading `id` ([] when it loads); ids not under the root are tried once and remembered. */
  problemsOf(id: string): Problem[];
}

function loadProblems(root: string, id: string): { example?: LoadedExample; problems: Problem[] } {
  try {
    return { example: loadExample(root, id), problems: [] };
  } catch (e) {
    if (e instanceof ProblemError) return { problems: e.problems };
    throw e;
  }
}

/** Loads every example under root once (one pass when all load; one per example to place the problems when not). */
export function indexExamples(root: string): ExampleIndex {
  const ids = listExampleIds(root);
  const byId = new Map<string, Problem[]>();
  let loaded: LoadedExample[];
  try {
    loaded = loadAllExamples(root);
    for (const id of ids) byId.set(id, []);
  } catch (e) {
    if (!(e instanceof ProblemError)) throw e;
    loaded = [];
    for (const id of ids) {
      const r = loadProblems(root, id);
      if (r.example) loaded.push(r.example);
      byId.set(id, r.problems);
    }
  }
  return {
    root,
    ids,
    loaded,
    problems: ids.flatMap((id) => byId.get(id)!),
    problemsOf(id) {
      if (!byId.has(id)) byId.set(id, loadProblems(root, id).problems);
      return byId.get(id)!;
    },
  };
}

function valueAt(data: unknown, keys: ReadonlyArray<PropertyKey>): unknown {
  let v: unknown = data;
  for (const k of keys) v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/** The frontmatter rules: present, parses, matches the schema. Returns the parsed data when it parses. */
function checkFrontmatter(file: string, scanned: ScannedMdx, problems: Problem[]): Record<string, unknown> | undefined {
  const fm = scanned.frontmatter;
  if (!fm) {
    problems.push({ file, line: 1, column: 1, rule: 'frontmatter-missing', severity: 'error', message: 'the article has no frontmatter block', hint: 'start the file with ---, title: ..., description: ..., lastReviewed: YYYY-MM-DD, ---' });
    return undefined;
  }
  // Positions in the YAML are shifted to the file by the line the YAML starts on.
  const y = parseYamlWithPositions(fm.yaml, file);
  for (const p of y.problems) problems.push({ ...p, line: p.line + fm.line - 1 });
  const doc = y.docs[0];
  if (!doc || y.problems.length > 0) return undefined;
  const data = (doc.toJS() ?? {}) as Record<string, unknown>;
  const r = articleFrontmatter.safeParse(data);
  if (!r.success) {
    for (const issue of r.error.issues) {
      const pos = positionOf(doc, y.lineCounter, issue.path as PropertyKey[]);
      const key = issue.path.join('.');
      const missing = issue.code === 'invalid_type' && valueAt(data, issue.path) === undefined;
      problems.push({
        file,
        line: pos.line + fm.line - 1,
        column: pos.column,
        rule: 'frontmatter',
        severity: 'error',
        message: missing ? `${key} is required` : `${key}: ${issue.message}`,
        hint: missing ? `add "${key}: ..." to the frontmatter` : 'see the article frontmatter in CONTRIBUTING.md',
      });
    }
  }
  return data;
}

/** The rules of one article that need only the examples: frontmatter, tags, the examples list. */
export function checkArticle(file: string, source: string, examples: ExampleIndex, scanned: ScannedMdx = scanMdx(source)): { problems: Problem[]; scanned: ScannedArticle } {
  const problems: Problem[] = [];
  const frontmatter = checkFrontmatter(file, scanned, problems);
  const tags = exampleTags(scanned);
  for (const tag of tags) {
    if (!literal(tag)) {
      problems.push({ file, line: tag.line, column: tag.column, rule: 'example-path', severity: 'error', message: '<Example> needs a literal path="<topic>/<slug>" attribute', hint: 'write path="services/clusterip-basic", not an expression' });
      continue;
    }
    for (const p of examples.problemsOf(tag.path)) {
      problems.push({ file, line: tag.line, column: tag.column, rule: p.rule, severity: 'error', message: `<Example path="${tag.path}">: ${p.file}:${p.line}:${p.column} ${p.message}`, hint: p.hint });
    }
  }
  const declared = Array.isArray(frontmatter?.examples) ? (frontmatter.examples as unknown[]).filter((x): x is string => typeof x === 'string') : [];
  const used = new Set(tags.map((t) => t.path));
  for (const d of declared) {
    if (!used.has(d)) problems.push({ file, line: 1, column: 1, rule: 'frontmatter-examples', severity: 'error', message: `frontmatter lists example ${d} but the article has no <Example path="${d}" />`, hint: 'embed it or remove it from examples' });
  }
  for (const t of tags) {
    if (frontmatter && literal(t) && !declared.includes(t.path)) {
      problems.push({ file, line: t.line, column: t.column, rule: 'frontmatter-examples', severity: 'error', message: `<Example path="${t.path}"> is not listed in the frontmatter examples`, hint: `add ${t.path} to examples: in the frontmatter` });
    }
  }
  return { problems, scanned: { file, frontmatter, tags } };
}

/** Every file under dir, sorted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** Where the guard reads from, and how it names files in problems. */
export interface GuardInput {
  contentDir: string;
  examplesDir: string;
  /** File names in problems are relative to this folder (the project root) when inside it. */
  root: string;
}

/** Every content rule over the articles and examples; problems in file order. */
export function checkSite(input: GuardInput): { problems: Problem[]; articles: ScannedArticle[] } {
  const show = (abs: string) => {
    const rel = path.relative(input.root, abs);
    return rel.startsWith('..') ? abs : rel;
  };
  const examples = indexExamples(input.examplesDir);
  const problems: Problem[] = [...examples.problems];
  try {
    readTopics(input.examplesDir);
  } catch (e) {
    if (!(e instanceof ProblemError)) throw e;
    problems.push(...e.problems.map((p) => ({ ...p, file: show(p.file) })));
  }
  const allowed = allowedCommands(examples.loaded);
  const articles: ScannedArticle[] = [];
  for (const abs of listArticleFiles(input.contentDir)) {
    const file = show(abs);
    const source = readFileSync(abs, 'utf8');
    const scanned = scanMdx(source);
    const r = checkArticle(file, source, examples, scanned);
    articles.push(r.scanned);
    problems.push(...r.problems, ...checkPersonalData(file, source), ...checkCommands(file, scanned, allowed));
  }
  for (const id of examples.ids) {
    for (const f of filesUnder(path.join(input.examplesDir, id))) problems.push(...checkPersonalData(show(f), readFileSync(f, 'utf8')));
  }
  for (const id of unusedExamples(examples.ids, articles.flatMap((a) => a.tags.map((t) => t.path)))) {
    problems.push({ file: show(path.join(input.examplesDir, id, 'example.yaml')), line: 1, column: 1, rule: 'example-unused', severity: 'warning', message: `example ${id} is not embedded by any article`, hint: `add <Example path="${id}" /> to the article that explains it` });
  }
  return { problems, articles };
}
