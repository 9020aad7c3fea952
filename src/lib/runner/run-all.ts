/**
 * The whole cluster tier over a set of examples: skip those whose required
 * cluster feature is missing, plan the runs (schedule.ts), run them in a pool
 * and put each mutation's result back under its example, in spec order. The
 * runs themselves are passed in (run-example.ts in `npm run test:cluster`,
 * fakes in the tests), so this logic is tested without a cluster.
 */
import type { LoadedExample } from '../examples/load.ts';
import type { ClusterFeature } from '../examples/spec.ts';
import type { ExampleResult, MutationResult } from '../report/schema.ts';
import { pool } from './pool.ts';
import { planJobs } from './schedule.ts';

export interface RunAllOptions {
  /** Features the cluster has, and why each missing one is missing. */
  features: ReadonlySet<ClusterFeature>;
  missing: ReadonlyMap<ClusterFeature, string>;
  /** Runs in flight at once. */
  concurrency: number;
  /** Run every example's mutations too. */
  withMutations: boolean;
  log: (line: string) => void;
  /** One example run; `awaitDeletion`: return only once its namespaces are gone (a chained run). */
  runExample: (example: LoadedExample, awaitDeletion: boolean) => Promise<ExampleResult>;
  /** One mutation run, likewise. */
  runMutation: (example: LoadedExample, index: number, awaitDeletion: boolean) => Promise<MutationResult>;
}

/** Every example's result, in the order given, with its mutations' results in spec order. */
export async function runAll(examples: readonly LoadedExample[], o: RunAllOptions): Promise<ExampleResult[]> {
  const byId = new Map<string, ExampleResult>();
  const runnable: LoadedExample[] = [];
  let done = 0;
  for (const ex of examples) {
    const missing = ex.spec.requires.filter((f) => !o.features.has(f));
    if (!missing.length) {
      runnable.push(ex);
      continue;
    }
    const reason = `needs ${missing.map((m) => `${m} (${o.missing.get(m)})`).join(', ')}`;
    o.log(`[${++done}/${examples.length}] SKIPPED ${ex.id}: ${reason}`);
    byId.set(ex.id, { id: ex.id, contentHash: ex.contentHash, status: 'skipped', reason, durationMs: 0, retries: 0, checks: [], mutations: [] });
  }
  const jobs = planJobs(runnable, o.withMutations);
  const chains = jobs.filter((j) => j.chainedBecause);
  o.log(`${jobs.reduce((n, j) => n + j.runs.length, 0)} runs, ${o.concurrency} at a time` +
    (chains.length ? `; the runs of ${chains.length} example(s) follow one another: ${chains.map((j) => `${j.runs[0]!.example.id} (${j.chainedBecause})`).join('; ')}` : ''));
  const runsLeft = new Map(runnable.map((ex) => [ex.id, 1 + (o.withMutations ? ex.spec.mutations.length : 0)]));
  const mutationsOf = new Map<string, MutationResult[]>(runnable.map((ex) => [ex.id, []]));
  await pool(jobs, o.concurrency, async (job) => {
    for (const [k, { example: ex, mutation }] of job.runs.entries()) {
      // A chained run waits until its namespaces are gone, so the next one finds the port or host free.
      const awaitDeletion = k < job.runs.length - 1;
      if (mutation === undefined) {
        o.log(`[start] ${ex.id}`);
        byId.set(ex.id, await o.runExample(ex, awaitDeletion));
      } else {
        const m = ex.spec.mutations[mutation]!;
        o.log(`[start] ${ex.id} [mutation: ${m.name}]`);
        const mr = await o.runMutation(ex, mutation, awaitDeletion);
        o.log(`  ${mr.status.toUpperCase()} ${ex.id} [mutation: ${m.name}] in ${(mr.durationMs / 1000).toFixed(1)} s`);
        mutationsOf.get(ex.id)![mutation] = mr;
      }
      const left = runsLeft.get(ex.id)! - 1;
      runsLeft.set(ex.id, left);
      if (left) continue;
      const r = byId.get(ex.id)!;
      r.mutations = mutationsOf.get(ex.id)!;
      o.log(`[${++done}/${examples.length}] ${r.status.toUpperCase()} ${ex.id} in ${(r.durationMs / 1000).toFixed(1)} s${r.mutations.length ? `; mutations ${r.mutations.filter((m) => m.status === 'passed').length}/${r.mutations.length} passed` : ''}`);
    }
  });
  return examples.map((ex) => byId.get(ex.id)!);
}
