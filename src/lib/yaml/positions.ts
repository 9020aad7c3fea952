/**
 * YAML parsing with Kubernetes' semantics and source positions.
 *
 * Kubernetes reads YAML 1.1 (sigs.k8s.io/yaml), so `on`, `yes` and `off` are
 * booleans; duplicate keys are rejected. Every node keeps its offset so a
 * problem can be reported at file:line:col.
 */
import { createRequire } from 'node:module';
import type { Document, DocumentOptions, LineCounter, ParseOptions, SchemaOptions } from 'yaml';
import type { Problem } from '../problems.ts';

type YamlPackage = typeof import('yaml');
const requireHere = createRequire(import.meta.url);
let yamlModule: YamlPackage | undefined;

/**
 * The `yaml` package, loaded on first use. The validator reads most
 * manifests with its own fast reader and locates their problems with it too,
 * so a run often never needs the package, and loading it is a good part of
 * a short run's start-up (time and memory). Node's `require` of the package
 * returns the same instance an `import` of it does.
 */
export function yamlPackage(): YamlPackage {
  // The literal require() lets the validator's bundle (scripts/validate.mjs) carry the package and evaluate it on
  // first use; where modules run unbundled (tsx, vitest) there is no `require` and Node's own loads it.
  return (yamlModule ??= (typeof require === 'function' ? require('yaml') : requireHere('yaml')) as YamlPackage);
}

/** What a plain scalar is to sigs.k8s.io/yaml: null, a boolean, a number, a bigint or a string. */
export type KubeScalar = null | boolean | number | bigint | string;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
/** Go's strconv.ParseInt(s, 0, 64) syntax (sign, 0x/0b/0o or a leading 0 for octal), underscores already removed. */
const GO_INT = /^([-+]?)(?:0([xX])([0-9a-fA-F]+)|0([bB])([01]+)|0([oO])([0-7]+)|0([0-7]*)|([1-9][0-9]*))$/;
/** go-yaml v2's yamlStyleFloat, the only floats it accepts after a digit or a sign. */
const YAML_STYLE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
/** strconv.ParseFloat on a scalar that starts with '.', underscores between digits allowed as in Go literals. */
const GO_DOT_FLOAT = /^\.[0-9]+(?:_[0-9]+)*(?:[eE][-+]?[0-9]+(?:_[0-9]+)*)?$/;
const SPECIAL_FLOATS: Record<string, number> = {
  '.inf': Infinity, '.Inf': Infinity, '.INF': Infinity, '+.inf': Infinity, '+.Inf': Infinity, '+.INF': Infinity,
  '-.inf': -Infinity, '-.Inf': -Infinity, '-.INF': -Infinity, '.nan': NaN, '.NaN': NaN, '.NAN': NaN,
};

let nonFiniteCount = 0;

/**
 * How many .inf/.nan scalars were resolved so far in this process: a reader
 * compares it before and after parsing to know, without walking the
 * documents, whether it has to look for one.
 */
export function nonFiniteScalarsSeen(): number {
  return nonFiniteCount;
}

/** An int64/uint64 as kubectl keeps it: a number when it is exact as one, else a bigint. */
function exactInteger(n: bigint): number | bigint {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

/** strconv.ParseInt(s, 0, 64), then strconv.ParseUint(s, 0, 64); undefined when both fail. */
function goParseInt(s: string): number | bigint | undefined {
  const m = GO_INT.exec(s);
  if (!m) return undefined;
  const digits = m[3] !== undefined ? `0x${m[3]}` : m[5] !== undefined ? `0b${m[5]}` : m[7] !== undefined ? `0o${m[7]}` : m[8] !== undefined ? (m[8] ? `0o${m[8]}` : '0') : m[9]!;
  let n = BigInt(digits);
  if (m[1] === '-') n = -n;
  if (n >= INT64_MIN && n <= INT64_MAX) return exactInteger(n);
  // ParseUint takes no sign.
  if (m[1] === '' && n <= UINT64_MAX) return n;
  return undefined;
}

/**
 * A plain scalar that starts with a digit, a sign or a dot, resolved as
 * go-yaml v2 (inside sigs.k8s.io/yaml, what kubectl reads YAML with) resolves
 * it: underscores are dropped, then Go's ParseInt/ParseUint with base 0 (so
 * 0o10, 0O10, 0B101, 0X1F and 0777 are integers), then its YAML-style floats;
 * anything else is a string. Integers beyond 2^53 stay exact as bigints, as
 * int64/uint64 do in Go; .inf and .nan are numbers (which kubectl then cannot
 * turn into JSON; ManifestSource reports them).
 */
export function resolveKubeNumber(s: string): number | bigint | string {
  const special = SPECIAL_FLOATS[s];
  if (special !== undefined) {
    nonFiniteCount++;
    return special;
  }
  if (s[0] === '.') {
    if (!GO_DOT_FLOAT.test(s)) return s;
    const f = Number(s.replace(/_/g, ''));
    return Number.isFinite(f) ? f : s;
  }
  const plain = s.replace(/_/g, '');
  const i = goParseInt(plain);
  if (i !== undefined) return i;
  if (YAML_STYLE_FLOAT.test(plain)) {
    const f = Number(plain);
    // ParseFloat fails with ErrRange on overflow; the scalar then stays a string.
    if (Number.isFinite(f)) return f;
  }
  // go-yaml's own binary fallback: ParseInt(rest, 2, 64) after "0b" or "-0b".
  const bin = plain.startsWith('0b') ? plain.slice(2) : plain.startsWith('-0b') ? `-${plain.slice(3)}` : undefined;
  if (bin !== undefined && /^[-+]?[01]+$/.test(bin)) {
    const n = (bin[0] === '-' ? -1n : 1n) * BigInt(`0b${bin.replace(/^[-+]/, '')}`);
    if (n >= INT64_MIN && n <= INT64_MAX) return exactInteger(n);
  }
  return s;
}

const GO_NULL = /^(?:~|null|Null|NULL)?$/;
const GO_TRUE = /^(?:y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const GO_FALSE = /^(?:n|N|no|No|NO|false|False|FALSE|off|Off|OFF)$/;

/** Any plain (unquoted, untagged) scalar as sigs.k8s.io/yaml reads it. */
export function resolveKubePlain(s: string): KubeScalar {
  const c = s.charCodeAt(0);
  // digits, '+', '-', '.'
  if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) return resolveKubeNumber(s);
  if (s.length <= 5) {
    if (GO_NULL.test(s)) return null;
    if (GO_TRUE.test(s)) return true;
    if (GO_FALSE.test(s)) return false;
  }
  return s;
}

/** The one tag for numbers: the yaml package calls it for plain scalars that may be one. */
const kubeNumberTag = {
  tag: 'tag:yaml.org,2002:int',
  default: true,
  test: /^[-+0-9.]/,
  identify: (v: unknown) => typeof v === 'number' || typeof v === 'bigint',
  resolve: (s: string) => resolveKubeNumber(s),
  stringify: ({ value, source }: { value: unknown; source?: string }) =>
    source ?? (typeof value === 'number' && !Number.isFinite(value) ? (Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf') : String(value)),
};

/**
 * Parse options matching sigs.k8s.io/yaml (go-yaml v2, YAML 1.1): `on`/`yes`/`y`
 * are booleans, `<<` merges, numbers resolve as resolveKubeNumber says (Go's
 * integer syntax, exact 64-bit integers). Unlike the `yaml` package's 1.1
 * schema, timestamps (`2024-01-01`) and sexagesimal numbers (`1:20`) stay
 * strings, as they do when Kubernetes decodes a manifest into JSON; the
 * `!!binary`, `!!omap`, `!!pairs` and `!!set` tags are not resolved either.
 */
export const KUBE_YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  uniqueKeys: true,
  customTags: (tags) => [
    ...tags.filter((t) => typeof t !== 'object' || !/:(int|float|timestamp|binary|omap|pairs|set)$/.test(t.tag)),
    kubeNumberTag as never,
  ],
};

export interface ParsedYaml {
  docs: Document.Parsed[];
  lineCounter: LineCounter;
  problems: Problem[];
}

export function parseYamlWithPositions(text: string, file: string): ParsedYaml {
  const { LineCounter, parseAllDocuments } = yamlPackage();
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, {
    ...KUBE_YAML_OPTIONS,
    prettyErrors: true,
    lineCounter,
    keepSourceTokens: false,
  });
  const list = Array.isArray(docs) ? docs : [docs as unknown as Document.Parsed];
  const problems: Problem[] = [];
  for (const doc of list) {
    for (const e of [...doc.errors, ...doc.warnings]) {
      const duplicate = e.code === 'DUPLICATE_KEY';
      // The yaml package places a duplicate key error where the pair's
      // props start (often the line break before it); point at the key itself.
      const pos = duplicate ? lineCounter.linePos(skipSpaceAndComments(text, e.pos[0])) : (e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]));
      problems.push({
        file,
        line: pos.line,
        column: pos.col,
        rule: duplicate ? 'yaml-duplicate-key' : 'yaml-parse',
        severity: doc.errors.includes(e as never) ? 'error' : 'warning',
        message: firstLine(e.message),
        hint: duplicate
          ? 'remove one of the two keys; Kubernetes would silently keep only the last one'
          : 'fix the YAML syntax at this position (indentation, quoting, or a missing colon)',
      });
    }
  }
  return { docs: list, lineCounter, problems };
}

function skipSpaceAndComments(text: string, i: number): number {
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
    else if (c === '#') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl + 1;
    } else break;
  }
  return i;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** Line and column of the node at `path` in `doc`, falling back to the nearest existing parent. */
export function positionOf(
  doc: Document.Parsed,
  lineCounter: LineCounter,
  path: ReadonlyArray<PropertyKey>,
): { line: number; column: number } {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true);
    if (yamlPackage().isNode(node) && node.range) {
      const p = lineCounter.linePos(node.range[0]);
      return { line: p.line, column: p.col };
    }
    // For a missing key the parent map is the best place to point at.
  }
  const start = doc.contents && yamlPackage().isNode(doc.contents) && doc.contents.range ? doc.contents.range[0] : 0;
  const p = lineCounter.linePos(start);
  return { line: p.line, column: p.col };
}
