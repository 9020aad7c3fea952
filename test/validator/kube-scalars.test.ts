/**
 * Scalars and document markers read as kubectl reads them: every case is
 * run through the validator's reader (ManifestSource) and through a small Go
 * program (tools/yamlread) that splits the stream with kubectl's YAML reader
 * (k8s.io/apimachinery/pkg/util/yaml) and converts each document with
 * sigs.k8s.io/yaml.YAMLToJSON, at the versions Kubernetes v1.37.2 uses. Both
 * must give the same JSON values, integers beyond 2^53 exactly, or both must
 * reject the file.
 *
 * The test builds the Go program into .cache/bin/ (rebuilt when its source
 * changes) and fails, saying why, when Go is missing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManifestSource } from '../../src/lib/yaml/manifest-source.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TOOL = path.join(ROOT, 'tools', 'yamlread');
const BIN = path.join(ROOT, '.cache', 'bin', 'yamlread');

/** Builds tools/yamlread when the binary is missing or older than its sources. */
function yamlread(): string {
  const newest = Math.max(...['main.go', 'go.mod', 'go.sum'].map((f) => statSync(path.join(TOOL, f)).mtimeMs));
  if (existsSync(BIN) && statSync(BIN).mtimeMs >= newest) return BIN;
  mkdirSync(path.dirname(BIN), { recursive: true });
  const r = spawnSync('go', ['build', '-o', BIN, '.'], { cwd: TOOL, encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod' } });
  if (r.error) throw new Error(`this test needs Go to build tools/yamlread (kubectl's YAML reader): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`go build tools/yamlread failed:\n${r.stderr}`);
  return BIN;
}

/** Plain scalars, each read as the value of `v:` (at least 50: the issue's and Go's corner cases). */
const SCALARS = [
  '0o10', '0O10', '0B101', '0b101', '0X1F', '0x1f', '0x_1', '0_x1', '1_000', '"1_000"', "'1_000'", '1__0', '1_', '+_1', '_1',
  '1e3', '1E3', '1.5e3', '1e+3', '1e-3', '1e400', '-1e400', '1e-400', '.5', '-.5', '+.5', '._5', '.5_0', '.5e3', '1.', '0.1', '3.14159', '1_0.5',
  '0777', '0778', '08', '09.5', '0', '-0', '+0', '-0.0', '0.0', '+12', '-12', '0x1p-2', '0x', '0o', '0b', '0b-1', '-0b101', '0b102', '-0x10', '+0x10',
  '9007199254740992', '9007199254740993', '-9007199254740993', '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809',
  '18446744073709551615', '18446744073709551616', '0x7FFFFFFFFFFFFFFF', '0xFFFFFFFFFFFFFFFF', '0x10000000000000000', '123456789012345678901234567890',
  '.inf', '-.Inf', '+.INF', '.NaN', '.nan', '.iNf', 'inf', 'Infinity', 'nan', 'NaN',
  '~', 'null', 'Null', 'NULL', 'nULL', '', '""',
  'yes', 'Yes', 'YES', 'yEs', 'no', 'No', 'on', 'On', 'off', 'OFF', 'y', 'Y', 'n', 'N', 'true', 'True', 'TRUE', 'tRUE', 'false', 'False',
  '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10', '1:20', '12:30:45', '190:20:30',
  '100Mi', '1.2.3', '-', '+', '.', '"0o10"', '!!str 0o10', '!!int "0o10"', '0x1F # a comment', "'yes'", '|\n  0o10', '>-\n  1e3',
];

/** Whole streams: document markers, anchors across documents, keys that are not strings. */
const STREAMS = [
  '--- {a: 1}\n', 'a: 1\n--- b: 2\n', '---\na: 1\n--- # comment\nb: 2\n', '---   \na: 1\n', 'a: 1\n---x\n', 'a: 1\n----\n', 'a: 1\n...\n---\nb: 2\n',
  '--- |\n  text\n', '--- >\n  text\n', '---\n---\na: 1\n', 'a: |\n  ---\n', '--- !!map\na: 1\n', '---\na: 1\n---\n', '# only a comment\n', '',
  'a: &x 1\n---\nb: *x\n', 'a: &x 1\nb: *x\n', 'a: &x {p: 1}\nb:\n  <<: *x\n  q: 2\n',
  '1: a\n', 'true: a\n', '0o10: a\n', '1.5: a\n', '~: a\n', '1e3: a\n', '9223372036854775808: a\n',
  'a: [0o10, 0B101, yes, ~, 1_000, "x"]\n', 'a: {b: 0X1F, c: .5}\n', '%YAML 1.1\n---\na: 1\n', 'a: 1\n...\nb: 2\n', 'a: |\n  x\n---\nb: 1\n',
  'a: &x 1\n---\n# the alias is in the next document\nb: [*x]\n', 'a:\n  - 1\n---\n  - 2\n',
];

const CASES = [...SCALARS.map((s) => `v: ${s}\n`), ...STREAMS];

type Read = { error: true } | { docs: string[] };

/**
 * A value as canonical text: sorted keys, integers beyond 2^53 exact
 * (bigints), other numbers in their shortest round-trip form (what Go's
 * encoding/json prints too), -0 kept.
 */
function canonical(v: unknown): string {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/** Go's JSON, with integers read exactly (the reviver sees the number's source text). */
function parseGoJson(text: string): unknown {
  return JSON.parse(text, (_k, v, ctx?: { source?: string }) => {
    if (typeof v !== 'number' || !ctx?.source) return v;
    if (ctx.source === '-0') return -0;
    // An integer literal beyond 2^53 is kept digit for digit (an int64/uint64, or a float Go printed in full).
    if (/^-?[0-9]+$/.test(ctx.source) && !Number.isSafeInteger(v)) return BigInt(ctx.source);
    return v;
  });
}

function readWithValidator(text: string): Read {
  const s = new ManifestSource('t.yaml', text);
  if (s.problems.some((p) => p.severity === 'error')) return { error: true };
  return { docs: s.docs.filter((d) => d !== null && d !== undefined).map(canonical) };
}

describe('scalars and document markers as kubectl reads them (sigs.k8s.io/yaml)', () => {
  it(`agrees with the Go reader on ${SCALARS.length} scalar forms and ${STREAMS.length} streams`, () => {
    expect(SCALARS.length).toBeGreaterThanOrEqual(50);
    const bin = yamlread();
    const out = execFileSync(bin, { input: JSON.stringify(CASES), encoding: 'utf8' });
    const go = parseGoJson(out) as Array<{ docs?: unknown[]; error?: string }>;
    expect(go).toHaveLength(CASES.length);
    const diffs: string[] = [];
    CASES.forEach((text, i) => {
      const g = go[i]!;
      const want: Read = g.error !== undefined ? { error: true } : { docs: (g.docs ?? []).filter((d) => d !== null).map(canonical) };
      const got = readWithValidator(text);
      if (JSON.stringify(got) !== JSON.stringify(want)) diffs.push(`${JSON.stringify(text)}: kubectl ${g.error !== undefined ? `rejects it (${g.error})` : JSON.stringify(want)}, validator ${JSON.stringify(got)}`);
    });
    expect(diffs.join('\n')).toBe('');
  });
});
