/**
 * No input crashes the validator: generated and mutated YAML (aliases across
 * documents, truncation, tabs, duplicate keys, binary junk, huge integers,
 * deep nesting, bad document separators) always gives located problems, and
 * the CLI always prints one valid JSON object under --format json, with a
 * result for every file.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSchemaBundle } from '../../src/lib/validator/schema-cache.ts';
import { ManifestValidator } from '../../src/lib/validator/validate.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** A small deterministic PRNG (mulberry32), so a failure names a seed that reproduces it. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedManifests(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e) && e !== 'example.yaml') out.push(readFileSync(p, 'utf8'));
    }
  };
  walk(path.join(ROOT, 'examples'));
  return out;
}

const JUNK = ['\t', '\0', '\x07', '\uFFFD', '\uD800', '&a ', '*a', '*missing', '!!int ', '!foo ', '<<: *a\n', '? ', '{', '[', ']', '}', '"', "'", '|', '>', '%', '@', '`', '#', ': ', '- ', '\n---\n', '\n--- {a: 1}\n', '\n...\n'];
const SCALARS = ['99999999999999999999999', '9223372036854775808', '-9223372036854775809', '18446744073709551616', '0x_1', '0o10', '0B101', '.inf', '-.inf', '.nan', '1e400', '-0', '0b-1', '1_000', '~', 'yes', '2026-01-01', "'", '"\\', '{{}}'];

/** One mutation of a manifest text, chosen by `rnd`. */
function mutate(text: string, rnd: () => number): string {
  const pick = <T,>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const at = Math.floor(rnd() * (text.length + 1));
  const lines = text.split('\n');
  const li = Math.floor(rnd() * lines.length);
  switch (Math.floor(rnd() * 12)) {
    case 0: // truncate anywhere
      return text.slice(0, at);
    case 1: // insert junk
      return text.slice(0, at) + pick(JUNK) + text.slice(at);
    case 2: // tabs for indentation
      lines[li] = lines[li]!.replace(/^ +/, (s) => '\t'.repeat(Math.max(1, s.length / 2)));
      return lines.join('\n');
    case 3: // duplicate a line (duplicate keys)
      lines.splice(li, 0, lines[li]!);
      return lines.join('\n');
    case 4: // an anchor in the first document, an alias to it in a later one
      return `x: &shared {a: 1}\n${text}\n---\ny: *shared\n`;
    case 5: // a value replaced by an odd scalar
      lines[li] = lines[li]!.replace(/: .*$/, `: ${pick(SCALARS)}`);
      return lines.join('\n');
    case 6: // binary junk
      return text.slice(0, at) + String.fromCharCode(...Array.from({ length: 16 }, () => Math.floor(rnd() * 256))) + text.slice(at);
    case 7: // delete a line
      lines.splice(li, 1);
      return lines.join('\n');
    case 8: // deep nesting
      return `${text}\n---\na: ${'['.repeat(2000)}${']'.repeat(2000)}\n`;
    case 9: // re-indent a line
      lines[li] = ' '.repeat(Math.floor(rnd() * 5)) + lines[li]!.trimStart();
      return lines.join('\n');
    case 10: // excessive aliasing
      return `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n---\n${text}`;
    default: // a document separator with content, or a stray list
      return text.slice(0, at) + pick(['\n--- x: 1\n', '\n- a\n', '\n---\n- 1\n', '\n---\n"str"\n', '\n---\n42\n']) + text.slice(at);
  }
}

describe('fuzz: no input crashes the validator', () => {
  const validator = new ManifestValidator(loadSchemaBundle());
  const seeds = seedManifests();

  it('returns located problems for thousands of mutated manifests', () => {
    expect(seeds.length).toBeGreaterThan(10);
    const rnd = prng(14);
    let withProblems = 0;
    for (let i = 0; i < 1000; i++) {
      let text = seeds[Math.floor(rnd() * seeds.length)]!;
      const n = 1 + Math.floor(rnd() * 3);
      for (let j = 0; j < n; j++) text = mutate(text, rnd);
      let report;
      try {
        report = validator.validateUnit({ name: 'fuzz', files: [{ file: 'fuzz.yaml', text }] });
      } catch (e) {
        throw new Error(`case ${i} crashed the validator: ${(e as Error).stack}\n--- input ---\n${text}`);
      }
      for (const p of report.problems) {
        expect(p.line, `case ${i}: ${JSON.stringify(p)}`).toBeGreaterThanOrEqual(1);
        expect(p.column).toBeGreaterThanOrEqual(1);
        expect(p.message).not.toBe('');
      }
      if (report.problems.length) withProblems++;
    }
    // Most mutations break something; a fuzzer whose inputs all pass tests nothing.
    expect(withProblems).toBeGreaterThan(400);
  });

  it('the CLI prints one valid JSON object with a result for every file, crash inputs included', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'validate-fuzz-'));
    const rnd = prng(7);
    const files: string[] = [];
    const special = [
      'a: &x 1\n---\nb: *x\n', // the alias-to-an-earlier-document crash of issue 14
      '--- {a: 1}\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: n}\ndata: {a: .inf}\n',
      '\0\x01\x02binary',
      '\t- a: b\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big, annotations: {a: 123456789012345678901234567890}}\n',
    ];
    for (const [i, t] of special.entries()) files.push(write(dir, `special-${i}.yaml`, t));
    for (let i = 0; i < 40; i++) files.push(write(dir, `m-${i}.yaml`, mutate(mutate(seeds[i % seeds.length]!, rnd), rnd)));
    files.push(write(dir, 'z-good.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good}\ndata: {a: "1"}\n'));
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'validate.mjs'), '--format', 'json', dir], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const out = JSON.parse(r.stdout) as { files: number; problems: Array<{ file: string; rule: string; line: number }> };
    expect(out.files).toBe(files.length);
    expect(r.status).toBe(1);
    const crash = out.problems.filter((p) => p.file.endsWith('special-0.yaml') && p.rule === 'yaml-parse');
    expect(crash).toMatchObject([{ line: 3, column: 4 }]);
    // The file after every broken one still gets its result: no problem, but counted above.
    expect(out.problems.filter((p) => p.file.endsWith('z-good.yaml'))).toEqual([]);
  });
});

function write(dir: string, name: string, text: string): string {
  mkdirSync(dir, { recursive: true });
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}
