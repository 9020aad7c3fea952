/**
 * A fast reader for the YAML that Kubernetes manifests are made of.
 *
 * The `yaml` package is exact and keeps positions, but it reads only a few MB
 * per second. Nearly every manifest uses a small part of YAML: block
 * mappings and sequences, plain and quoted one-line scalars, literal and
 * folded block scalars, one-line flow collections and comments. This reader
 * handles exactly that part, resolving scalars as the `yaml` package does
 * with KUBE_YAML_OPTIONS (YAML 1.1, the way sigs.k8s.io/yaml reads them), and
 * returns `undefined` for anything else (anchors, tags, multi-line plain or
 * quoted scalars, multi-line flow collections, duplicate keys, any error), so
 * the caller falls back to the `yaml` package, which then also reports
 * errors with positions. It returns plain values only; positions are looked
 * up with the `yaml` package when a problem needs one.
 *
 * test/validator/fast-yaml.test.ts checks it against the `yaml` package.
 */

import { resolveKubePlain } from './positions.ts';

class Bail extends Error {}
const BAIL = new Bail();
function bail(): never {
  throw BAIL;
}

/** Plain scalars resolve exactly as in the `yaml` package path (KUBE_YAML_OPTIONS): as sigs.k8s.io/yaml does. */
export const resolvePlain = resolveKubePlain;

function keyString(v: unknown): string {
  return v === null ? '' : String(v);
}

const SP = 32;
const NL = 10;
const HASH = 35;
const COLON = 58;
const DASH = 45;

/** Characters that cannot start a plain scalar we handle (or start a construct we do not). */
function isUnsupportedStart(c: number): boolean {
  // & * ! ? % @ ` | > are handled or rejected by the callers; these always bail here.
  return c === 38 || c === 42 || c === 33 || c === 63 || c === 37 || c === 64 || c === 96;
}

class FastReader {
  private readonly s: string;
  private readonly n: number;
  /** Start of the current line. */
  private ls = 0;
  /** End of the current line (index of '\n' or n). */
  private le = 0;
  /** Column where the current (possibly virtual) node content starts. */
  private ind = 0;
  /** Index where the current content starts. */
  private cs = 0;
  private eof = false;

  constructor(
    text: string,
    /** When set, where each key and value starts is recorded here (positions mode). */
    private readonly table?: PositionTable,
  ) {
    this.s = text;
    this.n = text.length;
  }

  /** Records where entry `key` of `container` starts: its key (-1 for a list item) and its value. */
  private at(container: object, key: string | number, keyStart: number, valueStart: number): void {
    if (!this.table) return;
    let m = this.table.get(container);
    if (!m) this.table.set(container, (m = new Map()));
    m.set(key, [keyStart, valueStart]);
  }

  private setLine(start: number): void {
    if (start >= this.n) {
      this.eof = true;
      this.ls = this.le = this.cs = this.n;
      this.ind = 0;
      return;
    }
    this.ls = start;
    let e = this.s.indexOf('\n', start);
    if (e < 0) e = this.n;
    this.le = e;
    let i = start;
    while (i < e && this.s.charCodeAt(i) === SP) i++;
    this.cs = i;
    this.ind = i - start;
  }

  /** Moves to the next line that has content (not blank, not only a comment). */
  private skipBlank(): void {
    while (!this.eof) {
      if (this.cs < this.le && this.s.charCodeAt(this.cs) !== HASH) return;
      this.setLine(this.le + 1);
    }
  }

  private nextLine(): void {
    this.setLine(this.le + 1);
  }

  /** `---` or `...` at column 0. */
  private atMarker(): 0 | 1 | 2 {
    if (this.eof || this.ind !== 0 || this.le - this.ls < 3) return 0;
    const s = this.s;
    const p = this.ls;
    const c = s.charCodeAt(p);
    if ((c === DASH || c === 46) && s.charCodeAt(p + 1) === c && s.charCodeAt(p + 2) === c && (p + 3 === this.le || s.charCodeAt(p + 3) === SP)) {
      return c === DASH ? 1 : 2;
    }
    return 0;
  }

  /** Rest of the line from `p` is only spaces and maybe a comment. */
  private restIsBlank(p: number): boolean {
    const s = this.s;
    while (p < this.le && s.charCodeAt(p) === SP) p++;
    if (p >= this.le) return true;
    return s.charCodeAt(p) === HASH && s.charCodeAt(p - 1) === SP;
  }

  parseStream(): unknown[] {
    const docs: unknown[] = [];
    this.setLine(0);
    let first = true;
    for (;;) {
      this.skipBlank();
      if (this.eof) break;
      const m = this.atMarker();
      if (m === 2) bail();
      if (m === 1) {
        if (!this.restIsBlank(this.ls + 3)) bail();
        this.nextLine();
      } else {
        if (!first) bail();
        if (this.s.charCodeAt(this.cs) === 37 /* % directive */) bail();
      }
      first = false;
      this.skipBlank();
      const start = this.eof ? this.n : this.cs;
      this.at(docs, docs.length, -1, start);
      docs.push(this.parseDocumentBody());
    }
    return docs;
  }

  private parseDocumentBody(): unknown {
    this.skipBlank();
    if (this.eof || this.atMarker()) return null;
    const v = this.parseNode(-1);
    this.skipBlank();
    if (!this.eof && !this.atMarker()) bail();
    return v;
  }

  /** A node whose content starts at this.cs (column this.ind), inside a parent at parentIndent. */
  private parseNode(parentIndent: number): unknown {
    const s = this.s;
    const p = this.cs;
    const c = s.charCodeAt(p);
    if (c === DASH && (p + 1 === this.le || s.charCodeAt(p + 1) === SP)) return this.parseSeq(this.ind);
    if (c === 91 /* [ */ || c === 123 /* { */) {
      const fp = { p };
      const v = this.parseFlow(fp);
      if (!this.restIsBlank(fp.p)) bail();
      this.nextLine();
      return v;
    }
    if (c === 124 /* | */ || c === 62 /* > */) {
      if (parentIndent < 0) bail();
      return this.parseBlockScalar(p, parentIndent);
    }
    if (c === 34 /* " */ || c === 39 /* ' */) {
      const q = { p };
      const v = c === 34 ? this.parseDouble(q) : this.parseSingle(q);
      let e = q.p;
      while (e < this.le && s.charCodeAt(e) === SP) e++;
      if (s.charCodeAt(e) === COLON && (e + 1 >= this.le || s.charCodeAt(e + 1) === SP)) return this.parseMap(this.ind);
      if (!this.restIsBlank(q.p)) bail();
      this.nextLine();
      this.noContinuation(parentIndent);
      return v;
    }
    if (isUnsupportedStart(c) || c === COLON || c === 44 /* , */ || c === 93 || c === 125) bail();
    if (this.findKeyColon(p) >= 0) return this.parseMap(this.ind);
    const v = this.plainToEol(p);
    this.nextLine();
    this.noContinuation(parentIndent);
    return v;
  }

  /** After a scalar node: the next content line must not be more indented (a multi-line scalar or an error). */
  private noContinuation(parentIndent: number): void {
    this.skipBlank();
    if (!this.eof && this.ind > parentIndent && !this.atMarker()) bail();
  }

  /** Index of the `:` that makes the line at p a mapping entry, or -1. */
  private findKeyColon(p: number): number {
    const s = this.s;
    const e = this.le;
    for (let i = p; i < e; i++) {
      const c = s.charCodeAt(i);
      if (c === COLON) {
        if (i + 1 === e || s.charCodeAt(i + 1) === SP) return i;
      } else if (c === HASH && i > p && s.charCodeAt(i - 1) === SP) return -1;
    }
    return -1;
  }

  /** A plain scalar from p to the end of the line (or a comment). */
  private plainToEol(p: number): unknown {
    const s = this.s;
    let e = this.le;
    for (let i = p; i < e; i++) {
      const c = s.charCodeAt(i);
      if (c === HASH && s.charCodeAt(i - 1) === SP) {
        e = i;
        break;
      }
      if (c === COLON && (i + 1 === this.le || s.charCodeAt(i + 1) === SP)) bail();
    }
    while (e > p && s.charCodeAt(e - 1) === SP) e--;
    return resolvePlain(s.slice(p, e));
  }

  private parseMap(m: number): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    const s = this.s;
    for (;;) {
      // Current content at column m is a key.
      const p = this.cs;
      const c = s.charCodeAt(p);
      let key: string;
      let after: number;
      if (c === 34 || c === 39) {
        const q = { p };
        key = keyString(c === 34 ? this.parseDouble(q) : this.parseSingle(q));
        let e = q.p;
        while (e < this.le && s.charCodeAt(e) === SP) e++;
        if (s.charCodeAt(e) !== COLON || !(e + 1 === this.le || s.charCodeAt(e + 1) === SP)) bail();
        after = e + 1;
      } else {
        if (isUnsupportedStart(c) || c === DASH && (p + 1 === this.le || s.charCodeAt(p + 1) === SP) || c === 91 || c === 123 || c === 124 || c === 62 || c === COLON || c === 44 || c === 93 || c === 125) bail();
        const colon = this.findKeyColon(p);
        if (colon < 0) bail();
        let e = colon;
        while (e > p && s.charCodeAt(e - 1) === SP) e--;
        const raw = s.slice(p, e);
        if (raw === '<<') bail();
        const k = resolvePlain(raw);
        // Null and 64-bit unsigned keys are errors for kubectl: the yaml package path reports them.
        if (k === null || typeof k === 'bigint') bail();
        key = keyString(k);
        after = colon + 1;
      }
      if (key === '__proto__' || Object.hasOwn(obj, key)) bail();
      let v: unknown;
      while (after < this.le && s.charCodeAt(after) === SP) after++;
      // An empty value is placed where the yaml package places it: after the spaces that follow the colon.
      let valueStart = after;
      if (after >= this.le || (s.charCodeAt(after) === HASH && s.charCodeAt(after - 1) === SP)) {
        this.nextLine();
        this.skipBlank();
        if (this.eof || this.atMarker()) v = null;
        else if (this.ind > m) {
          valueStart = this.cs;
          v = this.parseNode(m);
        } else if (this.ind === m && s.charCodeAt(this.cs) === DASH && (this.cs + 1 === this.le || s.charCodeAt(this.cs + 1) === SP)) {
          valueStart = this.cs;
          v = this.parseSeq(m);
        } else v = null;
      } else {
        v = this.parseInline(after, m);
      }
      this.at(obj, key, p, valueStart);
      obj[key] = v;
      this.skipBlank();
      if (this.eof || this.atMarker()) return obj;
      if (this.ind < m) return obj;
      if (this.ind > m) bail();
      const d = s.charCodeAt(this.cs);
      if (d === DASH && (this.cs + 1 === this.le || s.charCodeAt(this.cs + 1) === SP)) {
        // A sequence entry at the mapping's own indentation ends it only when
        // the mapping is itself inside that sequence; the caller decides.
        return obj;
      }
    }
  }

  /** A value on the same line after `key: `. */
  private parseInline(p: number, m: number): unknown {
    const s = this.s;
    const c = s.charCodeAt(p);
    if (c === 124 || c === 62) return this.parseBlockScalar(p, m);
    if (c === 91 || c === 123) {
      const fp = { p };
      const v = this.parseFlow(fp);
      if (!this.restIsBlank(fp.p)) bail();
      this.nextLine();
      return v;
    }
    if (c === 34 || c === 39) {
      const q = { p };
      const v = c === 34 ? this.parseDouble(q) : this.parseSingle(q);
      if (!this.restIsBlank(q.p)) bail();
      this.nextLine();
      this.noContinuation(m);
      return v;
    }
    if (isUnsupportedStart(c) || c === COLON || c === 44 || c === 93 || c === 125) bail();
    if (c === DASH && (p + 1 === this.le || s.charCodeAt(p + 1) === SP)) bail();
    const v = this.plainToEol(p);
    this.nextLine();
    this.noContinuation(m);
    return v;
  }

  private parseSeq(sIndent: number): unknown[] {
    const arr: unknown[] = [];
    const s = this.s;
    for (;;) {
      // this.cs points at '-'
      let p = this.cs + 1;
      while (p < this.le && s.charCodeAt(p) === SP) p++;
      if (p >= this.le || (s.charCodeAt(p) === HASH && s.charCodeAt(p - 1) === SP)) {
        this.nextLine();
        this.skipBlank();
        if (this.eof || this.atMarker() || this.ind <= sIndent) {
          this.at(arr, arr.length, -1, p);
          arr.push(null);
        } else {
          this.at(arr, arr.length, -1, this.cs);
          arr.push(this.parseNode(sIndent));
        }
      } else {
        // Compact node on the same line: a virtual line starting at p.
        this.ind = p - this.ls;
        this.cs = p;
        this.at(arr, arr.length, -1, p);
        arr.push(this.parseNode(sIndent));
      }
      this.skipBlank();
      if (this.eof || this.atMarker()) return arr;
      if (this.ind < sIndent) return arr;
      if (this.ind > sIndent) bail();
      const d = s.charCodeAt(this.cs);
      if (!(d === DASH && (this.cs + 1 === this.le || s.charCodeAt(this.cs + 1) === SP))) return arr;
    }
  }

  private parseBlockScalar(p: number, parentIndent: number): string {
    const s = this.s;
    const folded = s.charCodeAt(p) === 62;
    let q = p + 1;
    let chomp = 0; // 0 clip, -1 strip, 1 keep
    const ch = s.charCodeAt(q);
    if (ch === DASH) {
      chomp = -1;
      q++;
    } else if (ch === 43) {
      chomp = 1;
      q++;
    }
    if (q < this.le && s.charCodeAt(q) !== SP) bail(); // indentation indicator or junk
    if (!this.restIsBlank(q)) bail();
    const lines: string[] = [];
    let contentIndent = -1;
    let trailingEmpty = 0;
    this.nextLine();
    while (!this.eof) {
      const blank = this.cs >= this.le;
      if (blank) {
        if (contentIndent >= 0 ? this.le - this.ls > contentIndent : this.le - this.ls > parentIndent + 1) bail();
        lines.push('');
        trailingEmpty++;
        this.nextLine();
        continue;
      }
      if (contentIndent < 0) {
        if (this.ind <= parentIndent) break;
        contentIndent = this.ind;
      } else if (this.ind < contentIndent) break;
      const text = s.slice(this.ls + contentIndent, this.le);
      if (folded && text.charCodeAt(0) === SP) bail();
      lines.push(text);
      trailingEmpty = 0;
      this.nextLine();
    }
    // At the end of the text without a final line break, chomping differs; leave that to the yaml package.
    if (this.eof && s.charCodeAt(this.n - 1) !== NL) bail();
    if (contentIndent < 0) {
      if (chomp === 1 && lines.length) bail();
      return '';
    }
    const body = lines.slice(0, lines.length - trailingEmpty);
    let out: string;
    if (!folded) out = body.join('\n');
    else {
      out = '';
      let empties = 0;
      let started = false;
      for (const l of body) {
        if (l === '') {
          empties++;
          continue;
        }
        if (!started) out = '\n'.repeat(empties) + l;
        else out += (empties ? '\n'.repeat(empties) : ' ') + l;
        started = true;
        empties = 0;
      }
    }
    if (chomp === -1) return out;
    if (chomp === 0) return out + '\n';
    return out + '\n' + '\n'.repeat(trailingEmpty);
  }

  /** A single-quoted scalar on one line: '' stands for a quote. */
  private parseSingle(q: { p: number }): string {
    const s = this.s;
    let close = s.indexOf("'", q.p + 1);
    // Skip each '' pair: the closing quote is the first one not followed by another.
    while (close >= 0 && close < this.le && s.charCodeAt(close + 1) === 39) close = s.indexOf("'", close + 2);
    if (close < 0 || close >= this.le) bail();
    const body = s.slice(q.p + 1, close);
    q.p = close + 1;
    return body.includes("''") ? body.replaceAll("''", "'") : body;
  }

  private parseDouble(q: { p: number }): string {
    const s = this.s;
    let i = q.p + 1;
    let out = '';
    let start = i;
    for (;;) {
      if (i >= this.le) bail();
      const c = s.charCodeAt(i);
      if (c === 34) {
        out += s.slice(start, i);
        q.p = i + 1;
        return out;
      }
      if (c !== 92) {
        i++;
        continue;
      }
      out += s.slice(start, i);
      const e = s[i + 1];
      let adv = 2;
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '0': out += '\0'; break;
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case ' ': out += ' '; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'e': out += '\x1b'; break;
        case 'x':
        case 'u':
        case 'U': {
          const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
          const hex = s.slice(i + 2, i + 2 + len);
          if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) bail();
          const cp = parseInt(hex, 16);
          if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) bail();
          out += String.fromCodePoint(cp);
          adv = 2 + len;
          break;
        }
        default:
          bail();
      }
      i += adv;
      start = i;
    }
  }

  /** A one-line flow collection starting at fp.p ('[' or '{'); advances fp.p past it. */
  private parseFlow(fp: { p: number }): unknown {
    const s = this.s;
    const open = s.charCodeAt(fp.p);
    fp.p++;
    const isSeq = open === 91;
    const close = isSeq ? 93 : 125;
    const arr: unknown[] = [];
    const obj: Record<string, unknown> = {};
    this.flowSpace(fp);
    if (s.charCodeAt(fp.p) === close) {
      fp.p++;
      return isSeq ? arr : obj;
    }
    for (;;) {
      if (isSeq) {
        this.at(arr, arr.length, -1, fp.p);
        arr.push(this.flowNode(fp));
        this.flowSpace(fp);
        if (s.charCodeAt(fp.p) === COLON) bail();
      } else {
        const c = s.charCodeAt(fp.p);
        const keyStart = fp.p;
        let key: string;
        if (c === 34 || c === 39) {
          const q = { p: fp.p };
          key = keyString(c === 34 ? this.parseDouble(q) : this.parseSingle(q));
          fp.p = q.p;
        } else key = keyString(this.flowPlain(fp));
        this.flowSpace(fp);
        if (s.charCodeAt(fp.p) !== COLON) bail();
        fp.p++;
        this.flowSpace(fp);
        const d = s.charCodeAt(fp.p);
        if (key === '__proto__' || key === '<<' || Object.hasOwn(obj, key)) bail();
        this.at(obj, key, keyStart, fp.p);
        obj[key] = d === 44 || d === close ? null : this.flowNode(fp);
        this.flowSpace(fp);
      }
      const d = s.charCodeAt(fp.p);
      if (d === close) {
        fp.p++;
        return isSeq ? arr : obj;
      }
      if (d !== 44) bail();
      fp.p++;
      this.flowSpace(fp);
      if (s.charCodeAt(fp.p) === close) {
        fp.p++;
        return isSeq ? arr : obj;
      }
    }
  }

  private flowSpace(fp: { p: number }): void {
    while (fp.p < this.le && this.s.charCodeAt(fp.p) === SP) fp.p++;
    if (fp.p >= this.le) bail();
  }

  private flowNode(fp: { p: number }): unknown {
    const c = this.s.charCodeAt(fp.p);
    if (c === 91 || c === 123) return this.parseFlow(fp);
    if (c === 34 || c === 39) {
      const q = { p: fp.p };
      const v = c === 34 ? this.parseDouble(q) : this.parseSingle(q);
      fp.p = q.p;
      return v;
    }
    return resolvePlain(this.flowPlain(fp));
  }

  private flowPlain(fp: { p: number }): string {
    const s = this.s;
    const c0 = s.charCodeAt(fp.p);
    if (isUnsupportedStart(c0) || c0 === 124 || c0 === 62 || c0 === 44 || c0 === 93 || c0 === 125 || c0 === 91 || c0 === 123 || c0 === COLON || c0 === HASH) bail();
    if (c0 === DASH && s.charCodeAt(fp.p + 1) === SP) bail();
    const start = fp.p;
    let i = fp.p;
    for (; i < this.le; i++) {
      const c = s.charCodeAt(i);
      if (c === 44 || c === 93 || c === 125) break;
      if (c === 91 || c === 123) bail();
      if (c === HASH && s.charCodeAt(i - 1) === SP) bail();
      if (c === COLON) {
        const d = s.charCodeAt(i + 1);
        if (i + 1 >= this.le || d === SP || d === 44 || d === 93 || d === 125) break;
      }
    }
    if (i >= this.le) bail();
    let e = i;
    while (e > start && s.charCodeAt(e - 1) === SP) e--;
    fp.p = i;
    return s.slice(start, e);
  }
}

// Text the reader leaves to the `yaml` package: tabs, CR, BOM, control characters.
const UNSUPPORTED_CHARS = /[\t\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u2028\u2029\x85]/;

/**
 * The documents of `text` as plain values (one entry per YAML document, null
 * for an empty one, exactly like `parseAllDocuments(text).map(d => d.toJS())`),
 * or `undefined` when the text uses YAML this reader leaves to the `yaml` package.
 */
export function fastParseDocuments(text: string): unknown[] | undefined {
  if (UNSUPPORTED_CHARS.test(text)) return undefined;
  try {
    return new FastReader(text).parseStream();
  } catch (e) {
    if (e === BAIL) return undefined;
    throw e;
  }
}

/**
 * Where each key and value of the parsed containers starts in the text:
 * container -> key (or list index) -> [key offset (-1 for a list item),
 * value offset]. The documents array itself holds each document's start.
 * Offsets are the ones the `yaml` package gives the same nodes (range[0]),
 * empty values included.
 */
export type PositionTable = WeakMap<object, Map<string | number, [number, number]>>;

/**
 * fastParseDocuments with positions: a few times faster than the `yaml`
 * package for locating a problem in a document the fast reader can read.
 * test/validator/fast-yaml.test.ts checks the offsets against the `yaml` package.
 */
export function fastParseWithPositions(text: string): { docs: unknown[]; table: PositionTable } | undefined {
  if (UNSUPPORTED_CHARS.test(text)) return undefined;
  const table: PositionTable = new WeakMap();
  try {
    return { docs: new FastReader(text, table).parseStream(), table };
  } catch (e) {
    if (e === BAIL) return undefined;
    throw e;
  }
}
