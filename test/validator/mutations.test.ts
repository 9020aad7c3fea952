/**
 * Every example's mutations, offline: each applies cleanly to its manifests
 * and the mutated manifests still pass the offline validator (a mutation that
 * makes invalid YAML or an object the API server would reject is a bad
 * mutation, not a proof); every example has a mutation; and every check that
 * claims a behaviour is named in some mutation's `breaks` (the coverage gate;
 * `npm run test:cluster` then shows on a cluster that those checks do fail).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listExampleIds, loadAllExamples, SPEC_FILE } from '../../src/lib/examples/load.ts';
import { applyMutation, mutationProblem } from '../../src/lib/examples/mutate.ts';
import { formatProblem } from '../../src/lib/problems.ts';
import { declaredBreaks, mutationCoverage } from '../../src/lib/runner/coverage.ts';
import { exampleUnit } from '../../src/lib/validator/inputs.ts';
import { RULES } from '../../src/lib/validator/rules.ts';
import { loadSchemaBundle } from '../../src/lib/validator/schema-cache.ts';
import { ManifestValidator } from '../../src/lib/validator/validate.ts';

const examples = loadAllExamples('examples');

/**
 * The rules a mutation may break on purpose: references between objects (a
 * Service selecting no pod, a route to a missing backend, a policy selecting
 * nothing) are exactly the mistakes mutations stand for. Every other error
 * (YAML, schema, names, Pod Security, images, check targets) means the
 * mutation would not even be applied, or its checks could not run.
 */
const MAY_BREAK = new Set(RULES.filter((r) => r.group === 'cross-resource' && r.silenceable).map((r) => r.id));

describe('mutations of every example', () => {
  const validator = new ManifestValidator(loadSchemaBundle());

  it('covers every example in examples/', () => {
    expect(examples.map((e) => e.id)).toEqual(listExampleIds('examples'));
  });

  for (const ex of examples) {
    it(`${ex.id}: every mutation applies and its manifests pass the offline validator`, () => {
      const unit = exampleUnit(ex);
      const specFile = path.join(path.relative(process.cwd(), ex.dir), SPEC_FILE);
      const specText = readFileSync(path.join(ex.dir, SPEC_FILE), 'utf8');
      const problems: string[] = [];
      ex.spec.mutations.forEach((m, i) => {
        const r = applyMutation(ex, i);
        if (!r.ok) {
          problems.push(formatProblem(mutationProblem(specText, specFile, r.error)));
          return;
        }
        const mutated = { ...unit, name: `${ex.id} [${m.name}]`, files: r.files.map((f) => ({ file: f.displayPath, text: f.text })) };
        for (const p of validator.validateUnit(mutated).problems) {
          if (p.severity === 'error' && !MAY_BREAK.has(p.rule)) problems.push(`mutation "${m.name}": ${formatProblem(p)}`);
        }
      });
      expect(problems.join('\n')).toBe('');
    });
  }

  it('every example has at least one mutation', () => {
    expect(examples.filter((e) => e.spec.mutations.length === 0).map((e) => e.id)).toEqual([]);
  });

  it('every behaviour check is named in some mutation\'s breaks (mutation coverage 100%)', () => {
    const c = mutationCoverage(examples, declaredBreaks);
    expect(c.uncovered.map((u) => `${u.id}: ${u.check}`)).toEqual([]);
  });
});
