/**
 * Mutation coverage: how many of the checks that claim a behaviour (every
 * check not marked `observation: true`) some mutation shows can fail. Pure;
 * `npm run test:cluster` computes it from the mutations that passed on the
 * cluster, the offline coverage test from the `breaks` lists alone.
 */
import type { LoadedExample } from '../examples/load.ts';
import type { ExampleResult } from '../report/schema.ts';

/** One check of one example, for the lists a coverage figure comes with. */
export interface CheckRef {
  id: string;
  check: string;
}

export interface MutationCoverage {
  /** Checks that claim a behaviour (not observations). */
  behaviour: number;
  /** Of those, the ones broken by at least one mutation. */
  covered: number;
  /** Behaviour checks no mutation broke. */
  uncovered: CheckRef[];
  /** Checks marked `observation: true`: they read state back and need no mutation. */
  observations: CheckRef[];
  /** Examples that declare no mutation at all. */
  withoutMutations: string[];
}

/** Coverage over `examples`, where `brokenBy(example)` gives the names of its checks some mutation broke. */
export function mutationCoverage(examples: ReadonlyArray<Pick<LoadedExample, 'id' | 'spec'>>, brokenBy: (example: Pick<LoadedExample, 'id' | 'spec'>) => ReadonlySet<string>): MutationCoverage {
  const out: MutationCoverage = { behaviour: 0, covered: 0, uncovered: [], observations: [], withoutMutations: [] };
  for (const ex of examples) {
    if (ex.spec.mutations.length === 0) out.withoutMutations.push(ex.id);
    const broken = brokenBy(ex);
    for (const c of ex.spec.checks) {
      if (c.observation) {
        out.observations.push({ id: ex.id, check: c.name });
        continue;
      }
      out.behaviour++;
      if (broken.has(c.name)) out.covered++;
      else out.uncovered.push({ id: ex.id, check: c.name });
    }
  }
  return out;
}

/** The checks the spec says its mutations break (what coverage would be if every mutation passed). */
export function declaredBreaks(example: Pick<LoadedExample, 'spec'>): Set<string> {
  return new Set(example.spec.mutations.flatMap((m) => m.breaks));
}

/** The checks that some mutation which passed on the cluster made fail, as it had to. */
export function provenBreaks(result: Pick<ExampleResult, 'mutations'> | undefined): Set<string> {
  return new Set(
    (result?.mutations ?? [])
      .filter((m) => m.status === 'passed')
      .flatMap((m) => m.checks.filter((c) => c.expected === 'fail' && c.status === 'failed').map((c) => c.name)),
  );
}

/** "37/40 (92.5%)". */
export function coverageFigure(c: Pick<MutationCoverage, 'behaviour' | 'covered'>): string {
  const pct = c.behaviour ? Math.floor((c.covered / c.behaviour) * 1000) / 10 : 100;
  return `${c.covered}/${c.behaviour} (${pct}%)`;
}
