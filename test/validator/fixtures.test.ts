import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem, type Problem } from '../../src/lib/problems.ts';
import { displayPath } from '../../src/lib/validator/input-walk.ts';
import { collectUnits } from '../../src/lib/validator/inputs.ts';
import { RULES } from '../../src/lib/validator/rules.ts';
import { loadSchemaBundle } from '../../src/lib/validator/schema-cache.ts';
import { ManifestValidator } from '../../src/lib/validator/validate.ts';

const ROOT = 'test/fixtures/invalid-manifests';

interface Expectation {
  file: string;
  rule: string;
  line: number;
  column?: number;
}

/** `# expect: <rule> at <line>[:<col>]` and `# expect: nothing` comments of every YAML file of a case. */
function expectationsOf(casePath: string): { expected: Expectation[]; declared: number } {
  const files = statSync(casePath).isDirectory()
    ? readdirSync(casePath).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(casePath, f))
    : [casePath];
  const expected: Expectation[] = [];
  let declared = 0;
  for (const f of files) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      const m = /^#\s*expect:\s*(.*)$/.exec(line.trim());
      if (!m) continue;
      declared++;
      if (m[1]!.trim() === 'nothing') continue;
      const e = /^([a-z0-9-]+) at (\d+)(?::(\d+))?$/.exec(m[1]!.trim());
      if (!e) throw new Error(`${f}: malformed expectation "${line}"`);
      expected.push({ file: displayPath(f), rule: e[1]!, line: Number(e[2]), ...(e[3] ? { column: Number(e[3]) } : {}) });
    }
  }
  return { expected, declared };
}

const cases = readdirSync(ROOT)
  .filter((n) => n !== 'README.md')
  .sort()
  .map((n) => path.join(ROOT, n));

describe('negative fixtures', () => {
  const validator = new ManifestValidator(loadSchemaBundle());
  const fired = new Set<string>();

  it.each(cases)('%s produces exactly its expected problems', (casePath) => {
    const { expected, declared } = expectationsOf(casePath);
    expect(declared, `${casePath} declares no "# expect:" comment`).toBeGreaterThan(0);
    const problems: Problem[] = [];
    for (const unit of collectUnits([casePath], () => '')) problems.push(...validator.validateUnit(unit).problems);
    for (const p of problems) fired.add(p.rule);
    const shown = problems.map(formatProblem).join('\n');
    for (const e of expected) {
      const hit = problems.some((p) => p.file === e.file && p.rule === e.rule && p.line === e.line && (e.column === undefined || p.column === e.column));
      expect(hit, `${casePath}: expected ${e.rule} at ${e.file}:${e.line}${e.column ? `:${e.column}` : ''}, got:\n${shown || '(no problems)'}`).toBe(true);
    }
    const unexpected = problems.filter((p) => !expected.some((e) => p.file === e.file && p.rule === e.rule && p.line === e.line));
    expect(unexpected.map(formatProblem).join('\n'), `${casePath}: problems not declared with # expect:`).toBe('');
  });

  it('every rule has a negative fixture that fires it', () => {
    const missing = RULES.map((r) => r.id).filter((id) => !fired.has(id));
    expect(missing).toEqual([]);
  });
});
