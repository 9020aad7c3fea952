/**
 * Mutation coverage (src/lib/runner/coverage.ts): behaviour checks broken by
 * a mutation over all behaviour checks; observations are listed, not counted.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExample } from '../../src/lib/examples/load.ts';
import type { ExampleResult } from '../../src/lib/report/schema.ts';
import { coverageFigure, declaredBreaks, mutationCoverage, provenBreaks } from '../../src/lib/runner/coverage.ts';

const guarded = loadExample(path.resolve(import.meta.dirname, '..', 'fixtures', 'examples', 'mutations'), 'demo/guarded');
const plain = loadExample(path.resolve(import.meta.dirname, '..', 'fixtures', 'examples', 'good'), 'demo/two-docs');

describe('mutationCoverage', () => {
  it('from the breaks lists: counts behaviour checks, lists observations and examples without mutations', () => {
    const c = mutationCoverage([guarded, plain], declaredBreaks);
    expect(c).toEqual({
      behaviour: 4,
      covered: 2,
      uncovered: [
        { id: 'demo/two-docs', check: 'the client reaches web' },
        { id: 'demo/two-docs', check: 'nothing listens on 9999' },
      ],
      observations: [{ id: 'demo/guarded', check: 'the policy is listed' }],
      withoutMutations: ['demo/two-docs'],
    });
    expect(coverageFigure(c)).toBe('2/4 (50%)');
  });

  it('from a run: only a passed mutation under which the check really failed counts', () => {
    const mutations: ExampleResult['mutations'] = [
      { name: 'without the NetworkPolicy', namespace: 'guarded-m1', status: 'passed', durationMs: 1, retries: 0, checks: [{ name: 'a stranger is blocked', expected: 'fail', status: 'failed', output: '' }, { name: 'the client reaches web', expected: 'pass', status: 'passed', output: '' }] },
      { name: 'with the Service selecting no pod', namespace: 'guarded-m2', status: 'failed', reason: 'x', durationMs: 1, retries: 0, checks: [{ name: 'the client reaches web', expected: 'fail', status: 'failed', output: '' }, { name: 'a stranger is blocked', expected: 'pass', status: 'failed', output: '' }] },
    ];
    expect([...provenBreaks({ mutations })]).toEqual(['a stranger is blocked']);
    expect(provenBreaks(undefined).size).toBe(0);
    const c = mutationCoverage([guarded], () => provenBreaks({ mutations }));
    expect(coverageFigure(c)).toBe('1/2 (50%)');
    expect(c.uncovered).toEqual([{ id: 'demo/guarded', check: 'the client reaches web' }]);
  });

  it('rounds the percentage down, so 100% means every check', () => {
    expect(coverageFigure({ behaviour: 3, covered: 2 })).toBe('2/3 (66.6%)');
    expect(coverageFigure({ behaviour: 200, covered: 199 })).toBe('199/200 (99.5%)');
    expect(coverageFigure({ behaviour: 0, covered: 0 })).toBe('0/0 (100%)');
  });
});
