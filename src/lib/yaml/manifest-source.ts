/**
 * One manifest file: its documents as plain values and, on demand, the
 * position of any node in it.
 *
 * The file is split into documents the way kubectl splits it (at lines that
 * start with `---`), and each document is read on its own: by the fast
 * reader (fast-reader.ts) when it can, else by the `yaml` package (which also
 * reports YAML errors with positions). Positions always come from the `yaml`
 * package, which parses a document again only when a problem in it has to
 * be located: a clean file is read once, fast, and a large file never has
 * more than one document's syntax tree in memory.
 */
import type { Document, LineCounter, Node } from 'yaml';
import type { Problem } from '../problems.ts';
import { fastParseDocuments, fastParseWithPositions, type PositionTable } from './fast-reader.ts';
import { formatPath, isObj, type PathSeg } from './plain.ts';
import { KUBE_YAML_OPTIONS, nonFiniteScalarsSeen, parseYamlWithPositions, yamlPackage } from './positions.ts';
import { lineColumn } from '../line-index.ts';

export interface Position {
  line: number;
  column: number;
}

export interface Resource {
  source: ManifestSource;
  /** Index of the YAML document in the file. */
  doc: number;
  /** Path of the object inside the document: [] or ['items', i] for a List. */
  base: PathSeg[];
  obj: Record<string, unknown>;
  apiVersion: string;
  kind: string;
  /** metadata.name, or '' when missing. */
  name: string;
}

/**
 * One document of a stream as kubectl's YAML reader
 * (k8s.io/apimachinery/pkg/util/yaml) splits it: the text between two lines
 * that start with `---`. Each is parsed on its own, as kubectl does: anchors
 * do not carry across, and a file's memory for positions is one document's.
 */
interface Chunk {
  /** Offset of the chunk's first character in the file. */
  start: number;
  end: number;
  /** 1-based line of the chunk's first line in the file. */
  firstLine: number;
}

/**
 * Splits a stream at separator lines (a line starting with `---`), and
 * reports a separator line with anything but spaces or a comment after
 * `---` (`--- {a: 1}`, `---x`), which kubectl rejects ("invalid Yaml
 * document separator"); that line's content is dropped, as kubectl reads
 * nothing after it.
 */
export function splitKubeDocuments(text: string, file: string): { chunks: Chunk[]; problems: Problem[] } {
  const chunks: Chunk[] = [];
  const problems: Problem[] = [];
  const sep = /^---/gm;
  let start = 0;
  let firstLine = 1;
  let line = 1;
  let counted = 0;
  for (let m = sep.exec(text); m; m = sep.exec(text)) {
    for (let i = text.indexOf('\n', counted); i >= 0 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
    counted = m.index;
    let end = text.indexOf('\n', m.index);
    if (end < 0) end = text.length;
    const rest = text.slice(m.index + 3, end).replace(/\r$/, '');
    const trimmed = rest.trim();
    if (trimmed && !trimmed.startsWith('#')) {
      const shown = trimmed.length > 30 ? `${trimmed.slice(0, 27)}...` : trimmed;
      problems.push({ file, line, column: 4 + (rest.length - rest.trimStart().length), rule: 'yaml-parse', severity: 'error', message: `invalid document separator: content after "---" (${JSON.stringify(shown)}); kubectl rejects it`, hint: 'put the document on the lines after a line holding only ---' });
    }
    chunks.push({ start, end: m.index, firstLine });
    start = Math.min(end + 1, text.length);
    firstLine = line + 1;
    sep.lastIndex = Math.max(sep.lastIndex, end);
  }
  chunks.push({ start, end: text.length, firstLine });
  return { chunks, problems };
}

export class ManifestSource {
  private readonly chunks: Chunk[];
  /** YAML problems found so far (all of them once every document was read). */
  private readonly found: Problem[];
  /** For each document read: its chunk, its index among the chunk's documents, and whether the fast reader read it. */
  private readonly where: Array<{ chunk: number; sub: number; fast: boolean }> = [];
  /** Every document's value, once `docs` has read them. */
  private kept?: unknown[];
  /** True once forEachDocument has read the file. */
  private read = false;
  /** The one chunk parsed with positions, kept for the next lookup (problems come in file order). */
  private positioned?: { chunk: number; docs: Document.Parsed[]; lc: LineCounter };
  /** The same for a chunk the fast reader reads: its position table and where its lines start. */
  private fastPositioned?: { chunk: number; docs: unknown[]; table: PositionTable; lineStarts: number[] };

  /** The file's text while it is held (see release). */
  private body?: string;

  /**
   * `reread` gives the text again (the file read anew): with it, release()
   * drops the text too, and a later lookup reads the file again.
   */
  constructor(
    readonly file: string,
    text: string,
    private readonly reread?: () => string,
  ) {
    this.body = text;
    const split = splitKubeDocuments(text, file);
    this.chunks = split.chunks;
    this.found = split.problems;
  }

  /** One entry per YAML document; undefined for a document with YAML errors. Reads and keeps them all on first use. */
  get docs(): unknown[] {
    if (!this.kept) {
      const all: unknown[] = [];
      this.forEachDocument((value) => all.push(value));
      this.kept = all;
    }
    return this.kept;
  }

  /** YAML problems (errors and warnings), located. */
  get problems(): Problem[] {
    if (!this.read) void this.docs;
    return this.found;
  }

  /**
   * Reads the documents in order and hands each to `each`, keeping none: a
   * caller that keeps only what it needs has one chunk's values in memory at
   * a time, however large the file. Once per source (`docs` uses it too).
   */
  forEachDocument(each: (value: unknown, doc: number) => void): void {
    if (this.read) throw new Error(`internal: the documents of ${this.file} were read already`);
    this.read = true;
    this.chunks.forEach((c, ci) => {
      const first = this.where.length;
      const nonFiniteBefore = nonFiniteScalarsSeen();
      const values = this.readChunk(c, ci);
      // kubectl turns each document into JSON, which has no .inf or .nan: it rejects the document.
      if (nonFiniteScalarsSeen() !== nonFiniteBefore) {
        values.forEach((value, i) => {
          const bad = nonFinitePath(value, []);
          if (!bad) return;
          this.found.push({ file: this.file, ...this.locate(first + i, bad), rule: 'yaml-parse', severity: 'error', message: `${formatPath(bad) || 'the document'} is .inf or .nan, which kubectl cannot convert to JSON (json: unsupported value)`, hint: 'quote it if a string is meant, or use a finite number' });
          values[i] = undefined;
        });
      }
      values.forEach((value, i) => each(value, first + i));
    });
  }

  /** The file's text. */
  get text(): string {
    return (this.body ??= this.reread!());
  }

  /**
   * Drops what this source holds for the next lookup (the position tables,
   * and the text when it can be read again): a file whose documents are
   * done need not hold them while the others are read. A later locate()
   * reads them again.
   */
  release(): void {
    this.positioned = undefined;
    this.fastPositioned = undefined;
    if (this.reread) this.body = undefined;
  }

  /** The documents of one chunk (at most one: kubectl reads one per chunk), recording where each came from. */
  private readChunk(c: Chunk, ci: number): unknown[] {
    const { file, text } = this;
    const problems = this.found;
    const chunkText = text.slice(c.start, c.end);
    const directive = /^%/m.exec(chunkText);
    if (directive) {
      // kubectl splits at --- first, so a directive is always read without its document, and rejected.
      problems.push({ file, line: c.firstLine + countLines(chunkText, directive.index), column: 1, rule: 'yaml-parse', severity: 'error', message: 'a YAML directive (%YAML, %TAG): kubectl splits the stream at --- before parsing, reads the directive without a document and rejects it', hint: 'remove the directive line' });
      return [];
    }
    const ended = /^\.\.\.[ \t]*(?:#.*)?\r?\n(?=[\s\S]*^[^\s#])/m.exec(chunkText);
    if (ended) {
      // go-yaml reads one document per chunk: what follows "..." before the next --- is ignored by kubectl.
      problems.push({ file, line: c.firstLine + countLines(chunkText, ended.index), column: 1, rule: 'yaml-parse', severity: 'warning', message: 'content after a "..." document end marker is ignored by kubectl until the next ---', hint: 'replace ... with ---, or remove it' });
    }
    let fast: unknown[] | undefined;
    try {
      fast = fastParseDocuments(chunkText);
    } catch {
      // The fast reader declines by returning undefined; anything it throws (a stack overflow on absurd nesting) declines too.
      fast = undefined;
    }
    if (fast) {
      return fast.slice(0, 1).map((d, sub) => {
        this.where.push({ chunk: ci, sub, fast: true });
        return d;
      });
    }
    const parsed = parseYamlWithPositions(chunkText, file);
    this.positioned = { chunk: ci, docs: parsed.docs, lc: parsed.lineCounter };
    let syntaxErrors = 0;
    for (const p of parsed.problems) {
      // After the first syntax error of a document the parser's further errors are mostly its consequences.
      if (p.rule === 'yaml-parse' && p.severity === 'error' && syntaxErrors++ > 0) continue;
      const shifted = { ...p, line: p.line + c.firstLine - 1 };
      problems.push(p.rule === 'yaml-duplicate-key' ? { ...shifted, message: duplicateKeyMessage(text, shifted) } : shifted);
    }
    return parsed.docs.slice(0, 1).map((d, sub) => {
      const doc = this.where.length;
      this.where.push({ chunk: ci, sub, fast: false });
      return d.errors.length ? undefined : this.plainValue(d, doc, problems);
    });
  }

  /**
   * A parsed document as a plain value, or undefined with a located problem
   * when kubectl could not read it: a key JSON cannot have, an alias whose
   * anchor is not defined before it in the same document (anchors do not
   * carry across documents, for kubectl either: it splits the stream first),
   * or excessive aliasing.
   */
  private plainValue(d: Document.Parsed, doc: number, problems: Problem[]): unknown {
    const { isMap, isNode, isScalar, isSeq, visit } = yamlPackage();
    let badKey: { node: Node; what: string } | undefined;
    visit(d, {
      Pair: (_, pair) => {
        if (badKey || !isNode(pair.key)) return;
        const k = pair.key;
        // JSON object keys are strings; sigs.k8s.io/yaml converts scalar keys but not these.
        if (isMap(k) || isSeq(k)) badKey = { node: k, what: 'a mapping or list is used as a mapping key' };
        else if (isScalar(k) && k.value === null) badKey = { node: k, what: 'a null key (~, null or nothing before the colon)' };
        else if (isScalar(k) && typeof k.value === 'bigint' && k.value > 2n ** 63n - 1n) badKey = { node: k, what: `the key ${k.value} is beyond int64` };
      },
    });
    if (badKey) {
      const { node, what } = badKey;
      problems.push({ file: this.file, ...(node.range ? this.pos(doc, node.range[0]) : this.docStart(doc)), rule: 'yaml-parse', severity: 'error', message: `${what}; kubectl cannot convert it to a JSON key`, hint: 'quote the key' });
      return undefined;
    }
    try {
      return d.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      let at: Position | undefined;
      let name = '';
      visit(d, {
        Alias: (_, node) => {
          if (at || node.resolve(d)) return;
          name = node.source;
          if (node.range) at = this.pos(doc, node.range[0]);
        },
      });
      const message = name
        ? `unknown anchor "${name}" referenced; an alias must follow its anchor in the same YAML document (anchors do not carry across ---)`
        : `the document cannot be read: ${firstLine(e instanceof Error ? e.message : String(e))}`;
      problems.push({ file: this.file, ...(at ?? this.docStart(doc)), rule: 'yaml-parse', severity: 'error', message, hint: name ? `define &${name} earlier in this document, or repeat the content` : 'simplify the anchors and aliases of this document' });
      return undefined;
    }
  }

  /** The parsed document `doc` with positions: its chunk is parsed with the yaml package on demand. */
  private yamlDoc(doc: number): Document.Parsed | undefined {
    const w = this.where[doc];
    if (!w) return undefined;
    if (this.positioned?.chunk !== w.chunk) {
      const c = this.chunks[w.chunk]!;
      const { LineCounter, parseAllDocuments } = yamlPackage();
      const lc = new LineCounter();
      const docs = parseAllDocuments(this.text.slice(c.start, c.end), { ...KUBE_YAML_OPTIONS, lineCounter: lc });
      this.positioned = { chunk: w.chunk, docs: Array.isArray(docs) ? docs : [docs as unknown as Document.Parsed], lc };
    }
    return this.positioned.docs[w.sub];
  }

  /** File position of an offset inside the chunk of document `doc` (that chunk must be the one parsed). */
  private pos(doc: number, offset: number): Position {
    const w = this.where[doc]!;
    this.yamlDoc(doc);
    const p = this.positioned!.lc.linePos(offset);
    return { line: p.line + this.chunks[w.chunk]!.firstLine - 1, column: p.col };
  }

  /**
   * locate() for a document the fast reader read: its chunk is read again
   * with positions, which costs a fraction of a `yaml` package parse; the
   * offsets are the ones the `yaml` package gives (test/validator/fast-yaml.test.ts).
   * Undefined when the fast reader cannot (then the `yaml` package does it).
   */
  private fastLocate(doc: number, path: readonly PathSeg[], at: 'key' | 'value'): Position | undefined {
    const w = this.where[doc];
    if (!w?.fast) return undefined;
    if (this.fastPositioned?.chunk !== w.chunk) {
      const c = this.chunks[w.chunk]!;
      const chunkText = this.text.slice(c.start, c.end);
      const r = fastParseWithPositions(chunkText);
      if (!r) return undefined;
      const lineStarts = [0];
      for (let i = chunkText.indexOf('\n'); i >= 0; i = chunkText.indexOf('\n', i + 1)) lineStarts.push(i + 1);
      this.fastPositioned = { chunk: w.chunk, ...r, lineStarts };
    }
    const { docs, table, lineStarts } = this.fastPositioned;
    const root = table.get(docs)?.get(w.sub);
    // An empty document: the `yaml` package knows where its (null) content sits.
    if (!root || docs[w.sub] === null) return undefined;
    let node: unknown = docs[w.sub];
    let best = root[1];
    let keyStart = -1;
    let valueStart = root[1];
    let reached = 0;
    for (const step of path) {
      if (node === null || typeof node !== 'object') break;
      const isList = Array.isArray(node);
      if (isList && typeof step !== 'number') break;
      const entry = table.get(node)?.get(isList ? step : String(step));
      if (!entry) break;
      [keyStart, valueStart] = entry;
      node = (node as Record<string | number, unknown>)[step];
      reached++;
      best = valueStart;
    }
    let offset = best;
    if (reached === path.length) offset = at === 'key' && keyStart >= 0 ? keyStart : valueStart;
    const lc = lineColumn(lineStarts, offset);
    return { line: lc.line - 1 + this.chunks[w.chunk]!.firstLine, column: lc.column };
  }

  /** Where a document's content starts. */
  docStart(doc: number): Position {
    if (!this.read) void this.docs;
    const { isNode } = yamlPackage();
    const d = this.yamlDoc(doc);
    const n = d?.contents;
    if (n && isNode(n) && n.range) return this.pos(doc, n.range[0]);
    if (d?.range) return this.pos(doc, d.range[0]);
    const c = this.chunks[this.where[doc]?.chunk ?? 0];
    return { line: c?.firstLine ?? 1, column: 1 };
  }

  /**
   * Position of the node at `path` in document `doc`: its key when `at` is
   * 'key', else its value; the nearest existing ancestor when the path does
   * not exist (a missing field points at the map that should hold it).
   */
  locate(doc: number, path: readonly PathSeg[], at: 'key' | 'value' = 'value'): Position {
    // A source nobody has read yet (example.yaml, located on demand) is read first: positions need its documents' places.
    if (!this.read) void this.docs;
    const fast = this.fastLocate(doc, path, at);
    if (fast) return fast;
    const { isMap, isNode, isPair, isSeq } = yamlPackage();
    const d = this.yamlDoc(doc);
    if (!d) return { line: 1, column: 1 };
    let node: unknown = d.contents;
    let best: Node | undefined = isNode(node) ? node : undefined;
    let key: Node | undefined;
    let reached = 0;
    for (const step of path) {
      if (isMap(node)) {
        const want = String(step);
        const pair = node.items.find((p) => isPair(p) && keyString(p.key) === want);
        if (!pair) break;
        key = isNode(pair.key) ? pair.key : undefined;
        node = pair.value;
        if (key) best = key;
      } else if (isSeq(node) && typeof step === 'number') {
        node = node.items[step];
        key = undefined;
        if (node === undefined) break;
      } else break;
      reached++;
      if (isNode(node) && node.range) best = node;
      else break;
    }
    if (reached === path.length && at === 'key' && key?.range) return this.pos(doc, key.range[0]);
    if (reached === path.length && isNode(node) && node.range) return this.pos(doc, node.range[0]);
    if (best?.range) return this.pos(doc, best.range[0]);
    return this.docStart(doc);
  }
}

/** `duplicate key "name"`: the key text at the problem's position. */
function duplicateKeyMessage(text: string, p: Problem): string {
  const line = text.split('\n')[p.line - 1] ?? '';
  const key = /^(?:"[^"]*"|'[^']*'|[^:]*?)(?=\s*:(?:\s|$))/.exec(line.slice(p.column - 1))?.[0];
  if (!key) return p.message;
  return `duplicate key ${key.startsWith('"') || key.startsWith("'") ? key : JSON.stringify(key)} in this mapping; Kubernetes would keep only the last`;
}

/** Number of line breaks before `offset`. */
function countLines(text: string, offset: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Path of the first .inf or .nan in a plain value. */
function nonFinitePath(v: unknown, path: PathSeg[]): PathSeg[] | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : path;
  if (typeof v !== 'object' || v === null) return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const e = v[i];
      if (typeof e === 'object' || typeof e === 'number') {
        const p = nonFinitePath(e, [...path, i]);
        if (p) return p;
      }
    }
    return undefined;
  }
  for (const k in v) {
    const e = (v as Record<string, unknown>)[k];
    if (typeof e === 'object' || typeof e === 'number') {
      const p = nonFinitePath(e, [...path, k]);
      if (p) return p;
    }
  }
  return undefined;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!;
}

function keyString(k: unknown): string {
  const v = yamlPackage().isScalar(k) ? k.value : k;
  return v === null || v === undefined ? '' : String(v);
}

export interface Extracted {
  resources: Resource[];
  /** Documents that are not objects: [doc index, message]. */
  notObjects: Array<{ doc: number; path: PathSeg[]; message: string }>;
}

/** The Kubernetes objects of a file; `kind: List` documents contribute their items. */
export function extractResources(source: ManifestSource): Extracted {
  const out: Extracted = { resources: [], notObjects: [] };
  source.docs.forEach((value, doc) => extractFromDocument(source, value, doc, out));
  return out;
}

/** Adds the Kubernetes objects of one document (a `kind: List` contributes its items) to `out`. */
export function extractFromDocument(source: ManifestSource, value: unknown, doc: number, out: Extracted): void {
  if (value === null || value === undefined) return;
  if (!isObj(value)) {
    out.notObjects.push({ doc, path: [], message: `the YAML document is ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}, not a Kubernetes object` });
    return;
  }
  if (typeof value.kind === 'string' && value.kind.endsWith('List') && value.apiVersion === 'v1' && Array.isArray(value.items)) {
    value.items.forEach((item, i) => {
      if (!isObj(item)) out.notObjects.push({ doc, path: ['items', i], message: 'a List item is not a Kubernetes object' });
      else out.resources.push(makeResource(source, doc, ['items', i], item));
    });
    return;
  }
  out.resources.push(makeResource(source, doc, [], value));
}

function makeResource(source: ManifestSource, doc: number, base: PathSeg[], obj: Record<string, unknown>): Resource {
  const meta = isObj(obj.metadata) ? obj.metadata : undefined;
  return {
    source,
    doc,
    base,
    obj,
    apiVersion: typeof obj.apiVersion === 'string' ? obj.apiVersion : '',
    kind: typeof obj.kind === 'string' ? obj.kind : '',
    name: typeof meta?.name === 'string' ? meta.name : '',
  };
}
