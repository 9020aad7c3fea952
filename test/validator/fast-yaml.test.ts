import { isMap, isNode, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fastParseDocuments, fastParseWithPositions, type PositionTable } from '../../src/lib/yaml/fast-reader.ts';
import { KUBE_YAML_OPTIONS } from '../../src/lib/yaml/positions.ts';

/** The reference: the yaml package with Kubernetes' options. Undefined when it reports an error. */
function reference(text: string): unknown[] | undefined {
  const docs = parseAllDocuments(text, KUBE_YAML_OPTIONS);
  const list = Array.isArray(docs) ? docs : [docs];
  if (list.some((d) => d.errors.length > 0)) return undefined;
  return list.map((d) => d.toJS());
}

/** Every key and value offset the fast reader records equals the `yaml` package's node range start. */
function samePositions(text: string, table: PositionTable, docs: unknown[]): number {
  let compared = 0;
  const mismatch = (what: string, fast: number | undefined, ref: number | undefined) => `${what}: fast reader at ${fast}, yaml package at ${ref}, in:\n${text}`;
  const walk = (node: Node | null | undefined, value: unknown, where: string) => {
    if (!node || value === null || typeof value !== 'object') return;
    const entries = table.get(value);
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const e = entries?.get(key);
        expect(e?.[0], mismatch(`${where}.${key} (key)`, e?.[0], (pair.key as Node).range?.[0])).toBe((pair.key as Node).range?.[0]);
        const v = pair.value as Node | null;
        if (isNode(v)) expect(e?.[1], mismatch(`${where}.${key}`, e?.[1], v.range?.[0])).toBe(v.range?.[0]);
        compared++;
        walk(v, (value as Record<string, unknown>)[key], `${where}.${key}`);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const e = entries?.get(i);
        if (isNode(item)) expect(e?.[1], mismatch(`${where}[${i}]`, e?.[1], item.range?.[0])).toBe(item.range?.[0]);
        compared++;
        walk(item as Node, (value as unknown[])[i], `${where}[${i}]`);
      });
    }
  };
  const ref = parseAllDocuments(text, KUBE_YAML_OPTIONS);
  (Array.isArray(ref) ? ref : [ref]).forEach((d, i) => {
    const root = d.contents;
    // An empty document has no node to point at (the validator never locates in one).
    if (isNode(root) && docs[i] !== null) expect(table.get(docs)?.get(i)?.[1], mismatch(`document ${i}`, table.get(docs)?.get(i)?.[1], root.range?.[0])).toBe(root.range?.[0]);
    walk(root as Node, docs[i], `doc${i}`);
  });
  return compared;
}

/** The fast reader either declines or agrees exactly with the reference (which must then be error-free), positions included. */
function agree(text: string): 'fast' | 'fallback' {
  const fast = fastParseDocuments(text);
  if (fast === undefined) return 'fallback';
  const ref = reference(text);
  expect(ref, `the yaml package rejects what the fast reader accepted:\n${text}`).toBeDefined();
  expect(fast, `fast reader differs on:\n${text}`).toEqual(ref);
  const positioned = fastParseWithPositions(text);
  expect(positioned?.docs).toEqual(fast);
  samePositions(text, positioned!.table, positioned!.docs);
  return 'fast';
}

const CASES = [
  '', '\n', '# c\n', '---\n', '---', 'a: 1\n---\n', 'a: 1\n---', '---\na: 1\n---\n---\nb: 2', 'a: 1\n...\n', '--- # x\na: 1\n',
  'a: 1\n# c\n---\n# only comment\n', 'a: |\n  x\n\n  y\n\n\nb: 1', 'a: >\n  x\n  y\n\n  z\n', 'a: |-\n  x\n', 'a: |+\n  x\n\n', 'a: |+\n  x\n\nb: 2\n',
  'a:\n- 1\n- 2\nb: c', "k: 'it''s'", 'k: "a\\tb\\u0041"', 'a: b # c', 'a: b#c', '- - 1\n  - 2\n- 3', "a: [1, b, 'c', {d: e}]", 'a: {}', 'a: []',
  'on: yes', 'a: 2024-01-01', 'a: 0777', 'a: 1_000', 'a: 0x1F', 'a: 1e3', 'a: .5', 'a: -.inf', 'a: .', 'a: 08', 'a: +12', 'a: -0b101', 'a: 0_',
  '? a\n: b', 'a: \n  b\n  c', 'a: |\n    x\n   y\n', 'a:\n  - b\n  -\n  - c: d\n    e: f', 'a: |\n  x', 'a: >-\n  x\n  y\n', 'a: >\n\n  x\n', 'a: |\n\n  x\n',
  'a: |\nb: 1\n', 'a: |-\n', 'a: &x 1\nb: *x', 'a: !!str 1', 'a: b: c', 'a: "x": y', 'a:\n  b: 1\n c: 2', '- a\n  b', 'a: [1,\n  2]', 'a: {b: , c: 1}',
  'a: {b}', 'a: [a: 1]', 'a: "unterminated', "a: 'multi\n  line'", 'a: x\n  y: z', 'a:    \n  b: 1', 'key with spaces: v', '"quoted": v', "'single': v",
  'a: 1\na: 2', 'a: 1\n"a": 2', '__proto__: 1', 'toString: 1', 'constructor: x', 'a: "\\x41\\u00e9\\U0001F600"', 'a: "\\q"', 'a: "x\\\n  y"',
  'a: - b', '- ', '-\n', '- - - x', '-  a: 1\n   b: 2\n-  c', 'a:\n  - name: x\n    ports:\n    - containerPort: 80\n  - name: y', 'url: http://x:80/y', 'a: b:c',
  'a: [b:c]', 'a: {b:c}', 'a: "b":c', 'a: x # y # z', 'a: "x" # c', "a: 'x' # c", '%YAML 1.1\n---\na: 1', '<<: {a: 1}', 'a: ~', 'a: null', 'a: Null', 'a:',
  'a: y', 'a: n', 'a: Off', 'a: TRUE', 'a: tRue', 'y: 1', '1: a', '1.0: a', '~: a', 'null: a', 'a: [1, [2, [3]], {b: {c: d}}]', 'a: [ ]', 'a: { }', 'a: [ a , b ]',
  'a: [a b, c]', 'a: [-1, - 1]', 'a: [#]', 'a: x\t', 'a:\tx', 'a: x\r\nb: y', '\ufeffa: 1', 'a: |\n   x\n  y', 'a: |2\n   x', 'a: >\n  x\n    y\n  z\n',
  'a:\n- b\n-  c\n', 'a:\n -  b\n', 'a: b\n---\nc: d\n---\n# c\n', '---\n---\n', 'a: ---', '--- a', '---a: 1', 'a: "--- "', 'a: |\n  ---\n', 'a:\n  |\n  x',
];

describe('fast YAML reader', () => {
  it('agrees with the yaml package on edge cases, or declines', () => {
    let fast = 0;
    for (const c of CASES) if (agree(c) === 'fast') fast++;
    expect(fast).toBeGreaterThan(CASES.length / 2);
  });

  it('reads every example and fixture manifest like the yaml package', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d)) {
        const p = path.join(d, e);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.ya?ml$/.test(e)) files.push(p);
      }
    };
    for (const d of ['examples', 'test/fixtures']) walk(d);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) agree(readFileSync(f, 'utf8'));
  });

  it('never disagrees on randomly damaged manifests', () => {
    const base = readFileSync('examples/services/clusterip-basic/deployment.yaml', 'utf8') + '---\n' +
      readFileSync('examples/services/clusterip-basic/service.yaml', 'utf8') +
      'data:\n  script: |\n    echo "hi"\n\n    exit 0\n  folded: >-\n    a\n    b\n  list: [a, "b", {c: d}]\n';
    const pieces = [' ', '  ', ':', ': ', '-', '- ', '#', ' #', "'", '"', '[', ']', '{', '}', ',', '|', '>', '\n', '\n  ', '---\n', 'on', '0x1', '~', '&a', '*a', '!t', '?', '\\', 'é'];
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let fast = 0;
    for (let i = 0; i < 3000; i++) {
      let t = base;
      for (let k = 0, m = 1 + rnd(3); k < m; k++) {
        const at = rnd(t.length);
        const op = rnd(3);
        if (op === 0) t = t.slice(0, at) + t.slice(at + 1 + rnd(3));
        else if (op === 1) t = t.slice(0, at) + pieces[rnd(pieces.length)] + t.slice(at);
        else {
          const ls = t.lastIndexOf('\n', at) + 1;
          const le = t.indexOf('\n', at);
          const line = t.slice(ls, le < 0 ? t.length : le + 1);
          t = t.slice(0, ls) + line + t.slice(ls);
        }
      }
      if (agree(t) === 'fast') fast++;
    }
    expect(fast).toBeGreaterThan(100);
  });
});
