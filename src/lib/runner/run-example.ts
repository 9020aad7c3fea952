/**
 * Runs one example on a cluster: claim a fresh namespace (named after the
 * slug, labelled with the run, Pod Security enforced; never one the runner
 * did not make), server-side dry run, apply, wait for Ready, the NetworkPolicy
 * sync barrier, every check with bounded retries, diagnostics on failure,
 * delete the namespace (only if it still carries this run's label).
 *
 * A mutation of the example runs the same way in a namespace of its own
 * (`<slug>-m1`, ...), from the mutated manifests on stdin, and passes only
 * when exactly the checks its `breaks` names fail.
 */
import { renderCheck } from '../checks/commands.ts';
import type { LoadedExample } from '../examples/load.ts';
import { applyMutation, manifestStream, mutationNamespace, renameCheckNamespace, renameNamespace } from '../examples/mutate.ts';
import type { Check } from '../examples/spec.ts';
import type { ExampleResult, MutationResult } from '../report/schema.ts';
import { evaluate, excerpt } from './evaluate.ts';
import { realClock, type Clock, type Kubectl, type RunResult } from './kubectl.ts';
import { claimNamespace, deleteOwnNamespace, namespaceManifest } from './namespace.ts';
import type { PolicySync } from './policy-sync.ts';
import { normaliseRef, waitArgs, workloadsToWaitFor, type Workload } from './workloads.ts';

export interface RunnerOptions {
  kubectl: Kubectl;
  runId: string;
  /** Attempts per check before it counts as failed. */
  maxAttempts: number;
  retryDelayMs: number;
  readyTimeoutSeconds: number;
  /** Keep the namespace after the run (for debugging). */
  keep: boolean;
  log: (line: string) => void;
  /** The NetworkPolicy sync barrier run before each phase's checks; none when absent. */
  policySync?: PolicySync;
  /** Time for waits and retry delays (tests use a fake). */
  clock?: Clock;
  /**
   * Wait until each run's namespace is gone before returning. The runs of one
   * example (the example, then each mutation) follow one another and may
   * claim the same node port or host port, which is free only once the
   * previous namespace's objects are.
   */
  awaitDeletion?: boolean;
}

/**
 * The example's checks in phases. A barrier (policy sync) runs before each
 * phase. Specs have no phases of their own yet, so every example is one phase.
 */
export function checkPhases(example: LoadedExample): Check[][] {
  return [example.spec.checks];
}

async function diagnostics(o: RunnerOptions, ns: string): Promise<string> {
  const k = (args: string[]) => o.kubectl.run(['-n', ns, ...args], { timeoutMs: 30_000 });
  const parts: string[] = [];
  const add = (title: string, r: RunResult) => parts.push(`### ${title}\n${(r.stdout + r.stderr).trim().slice(0, 6000)}`);
  add('objects', await k(['get', 'all,endpointslices,networkpolicies,ingresses', '-o', 'wide']));
  add('events', await k(['get', 'events', '--sort-by=.lastTimestamp']));
  add('describe pods', await k(['describe', 'pods']));
  const pods = await k(['get', 'pods', '-o', 'name']);
  for (const pod of pods.stdout.trim().split('\n').filter(Boolean).slice(0, 6)) {
    add(`logs ${pod}`, await k(['logs', pod, '--all-containers', '--prefix', '--tail=40']));
  }
  return parts.join('\n\n');
}

/** What one run in one namespace applies, waits for and checks. */
interface RunPlan {
  namespace: string;
  /** Pod Security level the namespace enforces. */
  podSecurity: string;
  /** `kubectl apply` file arguments, and stdin when they are `-f -`. */
  manifests: { args: string[]; input?: string };
  /** Workloads to wait for before the checks. */
  waitFor: Workload[];
  /** The checks in phases (see checkPhases), as run in this namespace. */
  phases: Check[][];
  /** Attempts a check gets: a check a mutation must break gets one, so a retry cannot turn its failure into a pass. */
  attempts: (check: Check) => number;
  /**
   * Checks before which the cluster gets one retry delay to settle (once per
   * phase, before the first of them): a check with a single attempt has no
   * retry to wait out a controller that has not yet programmed the change.
   */
  settleBefore?: (check: Check) => boolean;
}

/** One check as it ended in a run. */
interface CheckOutcome {
  check: Check;
  passed: boolean;
  reason: string;
  attempts: number;
  last: RunResult;
}

/** How a run in one namespace ended: checks run, or the step that stopped it first. */
interface RunOutcome {
  /** The step that failed before or instead of the checks; undefined when every check ran. */
  setupFailure?: string;
  checks: CheckOutcome[];
  /** Events, logs and describe output, read while the namespace still existed, when something failed. */
  diagnostics?: string;
}

/**
 * Claim, dry run, apply, wait, barrier, checks, delete: one namespace's run.
 * `label` names the run in log lines (the example id, or the id and mutation).
 * `wantDiagnostics` says, once the checks ran, whether to read the namespace back.
 */
async function runInNamespace(label: string, plan: RunPlan, o: RunnerOptions, wantDiagnostics: (checks: CheckOutcome[]) => boolean): Promise<RunOutcome> {
  const clock = o.clock ?? realClock;
  const ns = plan.namespace;
  const k = (args: string[], timeoutMs = 60_000) => o.kubectl.run(args, { timeoutMs, input: plan.manifests.input });
  const out: RunOutcome = { checks: [] };
  let claimed = false;
  const stop = async (reason: string): Promise<RunOutcome> => {
    out.setupFailure = reason;
    // Only read back a namespace this run made: never a reader's own one.
    if (claimed) out.diagnostics = await diagnostics(o, ns);
    return out;
  };
  try {
    const claim = await claimNamespace(o.kubectl, ns, namespaceManifest(ns, plan.podSecurity, o.runId), { clock, log: o.log });
    if (!claim.ok) return await stop(claim.reason);
    claimed = true;
    const dry = await k(['apply', '--dry-run=server', '--validate=strict', '-n', ns, ...plan.manifests.args]);
    if (dry.exitCode !== 0) return await stop(`server-side dry run rejected the manifests: ${dry.stderr.trim()}`);
    // Pod Security warnings come back on stderr even when the request succeeds.
    if (/violate PodSecurity/.test(dry.stderr)) return await stop(`Pod Security ${plan.podSecurity} warnings: ${dry.stderr.trim()}`);
    const applied = await k(['apply', '--validate=strict', '-n', ns, ...plan.manifests.args]);
    if (applied.exitCode !== 0) return await stop(`apply failed: ${applied.stderr.trim()}`);
    for (const w of plan.waitFor) {
      const waited = await o.kubectl.run(waitArgs(w, ns, o.readyTimeoutSeconds), { timeoutMs: (o.readyTimeoutSeconds + 15) * 1000 });
      if (waited.exitCode !== 0) return await stop(`${w.ref} did not become Ready within ${o.readyTimeoutSeconds} s: ${(waited.stderr || waited.stdout).trim()}`);
    }
    for (const phase of plan.phases) {
      const unsynced = await o.policySync?.barrier(ns);
      if (unsynced) return await stop(unsynced);
      let settled = false;
      for (const check of phase) {
        if (!settled && plan.settleBefore?.(check)) {
          settled = true;
          await clock.sleep(o.retryDelayMs);
        }
        out.checks.push(await runCheck(label, check, ns, plan.attempts(check), o, clock));
      }
    }
    if (wantDiagnostics(out.checks)) out.diagnostics = await diagnostics(o, ns);
    return out;
  } finally {
    if (claimed && !o.keep) {
      const deleted = await deleteOwnNamespace(o.kubectl, ns, { clock, wait: o.awaitDeletion ?? false, runId: o.runId });
      if (!deleted.ok) o.log(`  ! ${label}: ${deleted.reason}`);
    }
  }
}

/** Runs one check up to `maxAttempts` times, until it passes. */
async function runCheck(label: string, check: Check, ns: string, maxAttempts: number, o: RunnerOptions, clock: Clock): Promise<CheckOutcome> {
  const rendered = renderCheck(check, ns);
  let attempts = 0;
  let verdict = { passed: false, reason: '' };
  let last: RunResult | undefined;
  while (attempts < maxAttempts) {
    attempts++;
    last = await o.kubectl.run(rendered.argv.slice(1), { timeoutMs: 45_000 });
    verdict = evaluate(check, last, ns);
    if (verdict.passed) break;
    if (attempts < maxAttempts) {
      // a retry hides a race the barrier should have closed: say what the failed attempt saw
      o.log(`    retry: ${label}: ${check.name}: attempt ${attempts} failed (${verdict.reason})`);
      await clock.sleep(o.retryDelayMs);
    }
  }
  return { check, passed: verdict.passed, reason: verdict.reason, attempts, last: last! };
}

export async function runExample(example: LoadedExample, o: RunnerOptions): Promise<ExampleResult> {
  const clock = o.clock ?? realClock;
  const started = clock.now();
  const plan: RunPlan = {
    namespace: example.slug,
    podSecurity: example.spec.podSecurity,
    manifests: { args: example.files.flatMap((f) => ['-f', `${example.dir}/${f.name}`]) },
    waitFor: workloadsToWaitFor(example),
    phases: checkPhases(example),
    attempts: () => o.maxAttempts,
  };
  const run = await runInNamespace(example.id, plan, o, (checks) => checks.some((c) => !c.passed));
  const result: ExampleResult = { id: example.id, contentHash: example.contentHash, status: 'failed', durationMs: 0, retries: 0, checks: [], mutations: [] };
  for (const c of run.checks) {
    result.retries += c.attempts - 1;
    result.checks.push({ name: c.check.name, status: c.passed ? 'passed' : 'failed', durationMs: c.last.durationMs, attempts: c.attempts, output: excerpt(c.last) });
    o.log(`  ${c.passed ? '✓' : '✗'} ${example.id}: ${c.check.name} (${c.reason}${c.attempts > 1 ? `, ${c.attempts} attempts` : ''}, ${(c.last.durationMs / 1000).toFixed(1)} s)`);
  }
  const failed = run.checks.filter((c) => !c.passed);
  const reason = run.setupFailure ?? (failed.length ? `${failed.length} check(s) failed: ${failed.map((c) => c.check.name).join('; ')}` : undefined);
  if (reason) {
    result.reason = reason;
    if (run.diagnostics) result.diagnostics = run.diagnostics;
    o.log(`  ✗ ${example.id}: ${reason}`);
  } else result.status = 'passed';
  result.durationMs = clock.now() - started;
  return result;
}

/** A phase's checks in the order a mutation runs them: observations, then the rest, then those in `breaks`. */
export function orderForMutation(phase: readonly Check[], breaks: readonly string[]): Check[] {
  const rank = (c: Check) => (c.observation ? 0 : breaks.includes(c.name) ? 2 : 1);
  return [...phase].sort((a, b) => rank(a) - rank(b));
}

/**
 * Why a mutation run did not come out as its `breaks` says, or undefined when
 * it did: every check in `breaks` failed and every other check passed.
 */
export function mutationVerdict(name: string, breaks: readonly string[], checks: ReadonlyArray<{ name: string; passed: boolean; reason: string }>): string | undefined {
  const wrong = checks.filter((c) => breaks.includes(c.name) === c.passed);
  if (!wrong.length) return undefined;
  return wrong
    .map((c) => (c.passed ? `check "${c.name}" still passed ${name}` : `check "${c.name}" failed ${name} although the mutation should not break it (${c.reason})`))
    .join('; ');
}

/**
 * Runs mutation `index` (0-based) of the example in its own namespace: the
 * mutated manifests with the example's namespace renamed to that one (see
 * renameNamespace), every check: once for those the mutation must break and
 * for observations (run, not judged, left out of the result), with the usual
 * retries for the others.
 */
export async function runMutation(example: LoadedExample, index: number, o: RunnerOptions): Promise<MutationResult> {
  const clock = o.clock ?? realClock;
  const started = clock.now();
  const m = example.spec.mutations[index]!;
  const ns = mutationNamespace(example.slug, index);
  const label = `${example.id} [${m.name}]`;
  const result: MutationResult = { name: m.name, namespace: ns, status: 'failed', durationMs: 0, checks: [] };
  const finish = (reason?: string): MutationResult => {
    if (reason) {
      result.reason = reason;
      o.log(`  ✗ ${label}: mutation failed: ${reason}`);
    } else {
      result.status = 'passed';
      o.log(`  ✓ ${label}: exactly ${m.breaks.map((b) => `"${b}"`).join(', ')} failed`);
    }
    result.durationMs = clock.now() - started;
    return result;
  };
  const mutated = applyMutation(example, index);
  if (!mutated.ok) return finish(`the mutation does not apply: ${mutated.error.message}`);
  const documents = renameNamespace(mutated.files.flatMap((f) => f.documents), example.slug, ns);
  const notReady = new Set(m.notReady.map(normaliseRef));
  const mutatedExample: LoadedExample = { ...example, files: mutated.files.map((f) => ({ ...f, examplePath: `${example.id}/${f.name}` })) };
  const plan: RunPlan = {
    namespace: ns,
    podSecurity: example.spec.podSecurity,
    manifests: { args: ['-f', '-'], input: manifestStream(documents) },
    waitFor: workloadsToWaitFor(mutatedExample).filter((w) => !notReady.has(w.ref)),
    // Within a phase: observations first (a `kubectl wait` one is what the other checks wait for),
    // then the checks that must still pass (their retries show the cluster has converged), then,
    // after a settle delay, the checks the mutation must break, once each. Reported in spec order.
    phases: checkPhases(example).map((phase) => orderForMutation(phase, m.breaks).map((c) => renameCheckNamespace(c, example.slug, ns))),
    // Observation checks run once but are not judged: they claim no behaviour, and one that reads
    // back an object the mutation removed fails for that reason alone.
    attempts: (c) => (m.breaks.includes(c.name) || c.observation ? 1 : o.maxAttempts),
    settleBefore: (c) => m.breaks.includes(c.name),
  };
  const judged = (checks: CheckOutcome[]) => checks.filter((c) => !c.check.observation);
  const verdictOf = (checks: CheckOutcome[]) => mutationVerdict(`with the mutation "${m.name}"`, m.breaks, judged(checks).map((c) => ({ name: c.check.name, passed: c.passed, reason: c.reason })));
  const run = await runInNamespace(label, plan, o, (checks) => verdictOf(checks) !== undefined);
  const specOrder = example.spec.checks.map((c) => c.name);
  run.checks.sort((a, b) => specOrder.indexOf(a.check.name) - specOrder.indexOf(b.check.name));
  for (const c of run.checks) {
    if (c.check.observation) {
      o.log(`  · ${label}: ${c.check.name}: observation, not judged (${c.passed ? 'passed' : 'failed'}: ${c.reason})`);
      continue;
    }
    const expected = m.breaks.includes(c.check.name) ? 'fail' : 'pass';
    result.checks.push({ name: c.check.name, expected, status: c.passed ? 'passed' : 'failed', output: excerpt(c.last) });
    const asExpected = c.passed === (expected === 'pass');
    o.log(`  ${asExpected ? '✓' : '✗'} ${label}: ${c.check.name} ${c.passed ? 'passed' : 'failed'}, expected to ${expected} (${c.reason})`);
  }
  if (run.setupFailure) return finish(run.setupFailure);
  const reason = verdictOf(run.checks);
  if (reason && run.diagnostics) o.log(run.diagnostics);
  return finish(reason);
}
