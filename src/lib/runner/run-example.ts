/**
 * Runs one example on a cluster: claim fresh namespaces (the one named after
 * the slug and each extra one the spec declares, labelled with the run, Pod
 * Security enforced; never one the runner did not make), server-side dry
 * run, apply each file into its namespace, wait for Ready, the NetworkPolicy
 * sync barrier, every check with bounded retries, the reachability matrix,
 * diagnostics on failure, delete the namespaces (only those that still carry
 * this run's label).
 *
 * A mutation of the example runs the same way in namespaces of its own
 * (`<slug>-m1`, `<slug>-m1-X`, ...), from the mutated manifests on stdin,
 * and passes only when exactly the checks its `breaks` names fail and the
 * measured matrix is the one predicted for the mutated manifests.
 */
import { renderCheck } from '../checks/commands.ts';
import type { LoadedExample } from '../examples/load.ts';
import { applyMutation, manifestStream, mutationRenames, renameCheckNamespace, renameNamespaces } from '../examples/mutate.ts';
import { FROM_HOST, type Check } from '../examples/spec.ts';
import type { PredictedMatrix } from '../netpol/index.ts';
import type { ExampleResult, MutationResult } from '../report/schema.ts';
import { evaluate, excerpt } from './evaluate.ts';
import { networkInterfaces } from 'node:os';
import { runHostCheck } from './host-probe.ts';
import { realClock, run, type Clock, type Kubectl, type RunResult } from './kubectl.ts';
import { claimNamespace, deleteOwnNamespace, namespaceManifest } from './namespace.ts';
import type { PolicySync } from './policy-sync.ts';
import { cellMismatch, flippedCells, locatePod, measureMatrix, predictMatrix, type MeasuredMatrix, type PodLocation } from './reachability.ts';
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
  /** Reachability probes in flight at once (default 4). */
  probeConcurrency?: number;
  /**
   * Wait until each run's namespace is gone before returning. The runs of one
   * example (the example, then each mutation) follow one another and may
   * claim the same node port or host port, which is free only once the
   * previous namespace's objects are.
   */
  awaitDeletion?: boolean;
  /** Runs a `from: host` check's curl on this machine (tests use a fake); child_process by default. */
  hostRun?: (argv: string[]) => Promise<RunResult>;
}

/**
 * The example's checks in phases. A barrier (policy sync) runs before each
 * phase. Specs have no phases of their own yet, so every example is one phase.
 */
export function checkPhases(example: LoadedExample): Check[][] {
  return [example.spec.checks];
}

/** Events, objects, pod descriptions and logs of the namespaces, each under its own heading when there are several. */
async function diagnostics(o: RunnerOptions, namespaces: readonly string[]): Promise<string> {
  const parts: string[] = [];
  for (const ns of namespaces) parts.push(`${namespaces.length > 1 ? `## namespace ${ns}\n\n` : ''}${await namespaceDiagnostics(o, ns)}`);
  return parts.join('\n\n');
}

async function namespaceDiagnostics(o: RunnerOptions, ns: string): Promise<string> {
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

/** One `kubectl apply -n <namespace>` of a run: file arguments, and stdin when they are `-f -`. */
interface ApplyStep {
  namespace: string;
  args: string[];
  input?: string;
}

/**
 * The apply steps for files in apply order: consecutive files of one
 * namespace go in one call (the page shows one command per file; the
 * effect is the same). `step` makes a call's arguments from its files.
 */
export function applySteps<F extends { namespace?: string }>(files: readonly F[], namespaceOf: (f: F) => string, step: (files: F[]) => Omit<ApplyStep, 'namespace'>): ApplyStep[] {
  const groups: { namespace: string; files: F[] }[] = [];
  for (const f of files) {
    const ns = namespaceOf(f);
    const last = groups[groups.length - 1];
    if (last && last.namespace === ns) last.files.push(f);
    else groups.push({ namespace: ns, files: [f] });
  }
  return groups.map((g) => ({ namespace: g.namespace, ...step(g.files) }));
}

/** Kinds the Ingress and Gateway controller turns into routers. */
const ROUTE_KINDS: ReadonlySet<string> = new Set(['Ingress', 'Gateway', 'HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute']);

/**
 * How long to let the controller catch up before the checks of a run whose
 * manifests hold routes. Traefik applies a new configuration at most once
 * per providersThrottleDuration (2 s by default) and keeps only the latest
 * event of that window, so a route, or the endpoints behind it that became
 * Ready just now, can be live up to 2 s after the waits return: 2 s plus
 * one for the reload itself. Without it a route's first request got 404
 * (no router yet) or 503 (no endpoints yet) and passed only on a retry.
 */
export const ROUTE_SETTLE_MS = 3000;

/** ROUTE_SETTLE_MS when any document is a route, else 0. */
export function routeSettleMs(documents: readonly unknown[]): number {
  return documents.some((d) => ROUTE_KINDS.has(String((d as { kind?: unknown } | null)?.kind))) ? ROUTE_SETTLE_MS : 0;
}

/** What one run applies, waits for and checks, in its namespaces. */
interface RunPlan {
  /** The run's main namespace: the example's own (the slug) or the mutation's. */
  namespace: string;
  /** The extra namespaces as this run names them, with their labels. */
  extraNamespaces: { name: string; labels: Record<string, string> }[];
  /** Pod Security level every namespace of the run enforces. */
  podSecurity: string;
  /** The `kubectl apply` calls, in order. */
  applies: ApplyStep[];
  /** Workloads to wait for before the checks, each with the namespace it is in. */
  waitFor: { workload: Workload; namespace: string }[];
  /** Milliseconds to wait after the workloads are Ready, for the route controller (see routeSettleMs). */
  settleMs?: number;
  /** The matrix to measure after the checks, as predicted, and where each declared pod runs. */
  reachability?: { matrix: PredictedMatrix; locate: (ref: string) => PodLocation };
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

/** How a run ended: checks run, or the step that stopped it first. */
interface RunOutcome {
  /** The step that failed before or instead of the checks; undefined when every check ran. */
  setupFailure?: string;
  checks: CheckOutcome[];
  /** The measured matrix, when the plan has one and the run got that far. */
  reachability?: MeasuredMatrix;
  /** Events, logs and describe output, read while the namespace still existed, when something failed. */
  diagnostics?: string;
}

/**
 * Claim, dry run, apply, wait, barrier, checks, matrix, delete: one run.
 * `label` names the run in log lines (the example id, or the id and mutation).
 * `wantDiagnostics` says, once the checks ran, whether to read the namespaces back.
 */
async function runInNamespaces(label: string, plan: RunPlan, o: RunnerOptions, wantDiagnostics: (out: RunOutcome) => boolean): Promise<RunOutcome> {
  const clock = o.clock ?? realClock;
  const ns = plan.namespace;
  const out: RunOutcome = { checks: [] };
  // Only namespaces this run made are read back and deleted: never a reader's own one.
  const claimed: string[] = [];
  const stop = async (reason: string): Promise<RunOutcome> => {
    out.setupFailure = reason;
    if (claimed.length) out.diagnostics = await diagnostics(o, claimed);
    return out;
  };
  try {
    for (const n of [{ name: ns, labels: {} }, ...plan.extraNamespaces]) {
      const claim = await claimNamespace(o.kubectl, n.name, namespaceManifest(n.name, plan.podSecurity, o.runId, n.labels), { clock, log: o.log });
      if (!claim.ok) return await stop(claim.reason);
      claimed.push(n.name);
    }
    for (const step of plan.applies) {
      const dry = await o.kubectl.run(['apply', '--dry-run=server', '--validate=strict', '-n', step.namespace, ...step.args], { timeoutMs: 60_000, input: step.input });
      if (dry.exitCode !== 0) return await stop(`server-side dry run rejected the manifests: ${dry.stderr.trim()}`);
      // Pod Security warnings come back on stderr even when the request succeeds.
      if (/violate PodSecurity/.test(dry.stderr)) return await stop(`Pod Security ${plan.podSecurity} warnings: ${dry.stderr.trim()}`);
    }
    for (const step of plan.applies) {
      const applied = await o.kubectl.run(['apply', '--validate=strict', '-n', step.namespace, ...step.args], { timeoutMs: 60_000, input: step.input });
      if (applied.exitCode !== 0) return await stop(`apply failed: ${applied.stderr.trim()}`);
    }
    for (const { workload: w, namespace } of plan.waitFor) {
      const waited = await o.kubectl.run(waitArgs(w, namespace, o.readyTimeoutSeconds), { timeoutMs: (o.readyTimeoutSeconds + 15) * 1000 });
      const where = namespace === ns ? '' : ` (namespace ${namespace})`;
      if (waited.exitCode !== 0) return await stop(`${w.ref}${where} did not become Ready within ${o.readyTimeoutSeconds} s: ${(waited.stderr || waited.stdout).trim()}`);
    }
    if (plan.settleMs) await clock.sleep(plan.settleMs);
    for (const phase of plan.phases) {
      // kindnet-lite answers a sync request after a consistent List of every namespace's
      // pods and policies, so one request in the main namespace covers the extra ones.
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
    // Specs have one phase: the matrix is measured after its checks, behind the same barrier.
    if (plan.reachability) {
      const { matrix, locate } = plan.reachability;
      out.reachability = await measureMatrix(matrix, locate, { kubectl: o.kubectl, clock, maxAttempts: o.maxAttempts, retryDelayMs: o.retryDelayMs, concurrency: o.probeConcurrency, log: o.log, label });
    }
    if (wantDiagnostics(out)) out.diagnostics = await diagnostics(o, claimed);
    return out;
  } finally {
    if (!o.keep) {
      for (const name of claimed) {
        const deleted = await deleteOwnNamespace(o.kubectl, name, { clock, wait: o.awaitDeletion ?? false, runId: o.runId });
        if (!deleted.ok) o.log(`  ! ${label}: ${deleted.reason}`);
      }
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
    if (check.from === FROM_HOST) {
      const hostRun = o.hostRun ?? ((argv: string[]) => run(argv, { timeoutMs: 45_000 }));
      const h = await runHostCheck(check, ns, { kubectl: o.kubectl, hostRun, interfaces: networkInterfaces });
      last = h.result;
      verdict = evaluate(h.check, last, ns);
    } else {
      last = await o.kubectl.run(rendered.argv.slice(1), { timeoutMs: 45_000 });
      verdict = evaluate(check, last, ns);
    }
    if (verdict.passed) break;
    if (attempts < maxAttempts) {
      // a retry hides a race the barrier should have closed: say what the failed attempt saw
      o.log(`    retry: ${label}: ${check.name}: attempt ${attempts} failed (${verdict.reason})`);
      await clock.sleep(o.retryDelayMs);
    }
  }
  return { check, passed: verdict.passed, reason: verdict.reason, attempts, last: last! };
}

/** Logs a measured matrix: one line per cell that differs, or one line that all agree. */
function logMatrix(label: string, m: MeasuredMatrix, o: RunnerOptions): void {
  const cells = m.result.cells;
  const wrong = cells.filter((c) => c.measured !== c.predicted);
  if (!wrong.length && cells.length) o.log(`  ✓ ${label}: reachability: ${cells.length} cells as predicted (${cells.filter((c) => c.measured === 'allowed').length} allowed)`);
  for (const c of wrong) o.log(`  ✗ ${label}: reachability: ${cellMismatch(c)} (${c.output.split('\n')[0] ?? ''})`);
}

export async function runExample(example: LoadedExample, o: RunnerOptions): Promise<ExampleResult> {
  const clock = o.clock ?? realClock;
  const started = clock.now();
  const result: ExampleResult = { id: example.id, contentHash: example.contentHash, status: 'failed', durationMs: 0, retries: 0, checks: [], mutations: [] };
  const predicted = predictMatrix(example, example.files);
  if (predicted && !predicted.ok) {
    // Nothing to compare the cluster with: fail before touching it.
    result.reason = predicted.reason;
    o.log(`  ✗ ${example.id}: ${predicted.reason}`);
    return result;
  }
  const own = example.slug;
  const plan: RunPlan = {
    namespace: own,
    extraNamespaces: example.spec.namespaces.map((n) => ({ name: n.name, labels: n.labels })),
    podSecurity: example.spec.podSecurity,
    applies: applySteps(example.files, (f) => f.namespace ?? own, (fs) => ({ args: fs.flatMap((f) => ['-f', `${example.dir}/${f.name}`]) })),
    waitFor: workloadsToWaitFor(example).map((w) => ({ workload: w, namespace: w.namespace ?? own })),
    settleMs: routeSettleMs(example.files.flatMap((f) => f.documents)),
    reachability: predicted ? { matrix: predicted.matrix, locate: (ref) => locatePod(ref, own) } : undefined,
    phases: checkPhases(example),
    attempts: () => o.maxAttempts,
  };
  const run = await runInNamespaces(example.id, plan, o, (out) => out.checks.some((c) => !c.passed) || out.reachability?.reason !== undefined);
  for (const c of run.checks) {
    result.retries += c.attempts - 1;
    result.checks.push({ name: c.check.name, status: c.passed ? 'passed' : 'failed', durationMs: c.last.durationMs, attempts: c.attempts, output: excerpt(c.last) });
    o.log(`  ${c.passed ? '✓' : '✗'} ${example.id}: ${c.check.name} (${c.reason}${c.attempts > 1 ? `, ${c.attempts} attempts` : ''}, ${(c.last.durationMs / 1000).toFixed(1)} s)`);
  }
  if (run.reachability) {
    result.reachability = run.reachability.result;
    result.retries += run.reachability.retries;
    logMatrix(example.id, run.reachability, o);
  }
  const failed = run.checks.filter((c) => !c.passed);
  const failures = [failed.length ? `${failed.length} check(s) failed: ${failed.map((c) => c.check.name).join('; ')}` : undefined, run.reachability?.reason].filter((x) => x !== undefined);
  const reason = run.setupFailure ?? (failures.length ? failures.join('; ') : undefined);
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
 * Runs mutation `index` (0-based) of the example in namespaces of its own:
 * the mutated manifests with the example's namespaces renamed to the
 * mutation's (see mutationRenames), every check: once for those the
 * mutation must break and for observations (run, not judged, left out of
 * the result), with the usual retries for the others; then the matrix,
 * compared with the prediction for the mutated manifests. A mutation that
 * breaks no check must flip a predicted cell.
 */
export async function runMutation(example: LoadedExample, index: number, o: RunnerOptions): Promise<MutationResult> {
  const clock = o.clock ?? realClock;
  const started = clock.now();
  const m = example.spec.mutations[index]!;
  const renames = mutationRenames(example, index);
  const ns = renames[0]!.to;
  const renamed = new Map(renames.map((r) => [r.from, r.to]));
  const label = `${example.id} [${m.name}]`;
  const result: MutationResult = { name: m.name, namespace: ns, status: 'failed', durationMs: 0, retries: 0, checks: [] };
  const finish = (reason?: string): MutationResult => {
    if (reason) {
      result.reason = reason;
      o.log(`  ✗ ${label}: mutation failed: ${reason}`);
    } else {
      result.status = 'passed';
      o.log(`  ✓ ${label}: ${m.breaks.length ? `exactly ${m.breaks.map((b) => `"${b}"`).join(', ')} failed` : 'every check passed'}${result.reachability ? ', the matrix as predicted for the mutated manifests' : ''}`);
    }
    result.durationMs = clock.now() - started;
    return result;
  };
  const mutated = applyMutation(example, index);
  if (!mutated.ok) return finish(`the mutation does not apply: ${mutated.error.message}`);
  // Predicted on the mutated manifests before renaming: renaming every namespace name
  // consistently (manifests and namespace labels alike) changes no verdict, and the
  // cells keep the declared names, as in the example's own matrix.
  const predicted = predictMatrix(example, mutated.files);
  if (predicted && !predicted.ok) return finish(predicted.reason);
  if (predicted && m.breaks.length === 0) {
    const base = predictMatrix(example, example.files);
    if (base?.ok && flippedCells(base.matrix, predicted.matrix).length === 0) return finish('the mutation breaks no check and flips no predicted cell of the matrix, so nothing shows it can fail');
  }
  const nsOf = (f: { namespace?: string }) => (f.namespace ? renamed.get(f.namespace)! : ns);
  const notReady = new Set(m.notReady.map(normaliseRef));
  const mutatedExample: LoadedExample = { ...example, files: mutated.files.map((f) => ({ ...f, examplePath: `${example.id}/${f.name}` })) };
  const plan: RunPlan = {
    namespace: ns,
    extraNamespaces: example.spec.namespaces.map((n) => ({ name: renamed.get(n.name)!, labels: renameNamespaces(n.labels, renames) })),
    podSecurity: example.spec.podSecurity,
    applies: applySteps(mutated.files, nsOf, (fs) => ({ args: ['-f', '-'], input: manifestStream(renameNamespaces(fs.flatMap((f) => f.documents), renames)) })),
    waitFor: workloadsToWaitFor(mutatedExample)
      .filter((w) => w.namespace !== undefined || !notReady.has(w.ref))
      .map((w) => ({ workload: w, namespace: nsOf(w) })),
    settleMs: routeSettleMs(mutated.files.flatMap((f) => f.documents)),
    reachability: predicted ? { matrix: predicted.matrix, locate: (ref) => locatePod(ref, ns, (x) => renamed.get(x) ?? x) } : undefined,
    // Within a phase: observations first (a `kubectl wait` one is what the other checks wait for),
    // then the checks that must still pass (their retries show the cluster has converged), then,
    // after a settle delay, the checks the mutation must break, once each. Reported in spec order.
    phases: checkPhases(example).map((phase) => orderForMutation(phase, m.breaks).map((c) => renameCheckNamespace(c, renames))),
    // Observation checks run once but are not judged: they claim no behaviour, and one that reads
    // back an object the mutation removed fails for that reason alone.
    attempts: (c) => (m.breaks.includes(c.name) || c.observation ? 1 : o.maxAttempts),
    settleBefore: (c) => m.breaks.includes(c.name),
  };
  const judged = (checks: CheckOutcome[]) => checks.filter((c) => !c.check.observation);
  const verdictOf = (out: Pick<RunOutcome, 'checks' | 'reachability'>) => {
    const checks = mutationVerdict(`with the mutation "${m.name}"`, m.breaks, judged(out.checks).map((c) => ({ name: c.check.name, passed: c.passed, reason: c.reason })));
    const wrong = [checks, out.reachability?.reason].filter((x) => x !== undefined);
    return wrong.length ? wrong.join('; ') : undefined;
  };
  const run = await runInNamespaces(label, plan, o, (out) => verdictOf(out) !== undefined);
  if (run.reachability) {
    result.reachability = run.reachability.result;
    result.retries += run.reachability.retries;
    logMatrix(label, run.reachability, o);
  }
  const specOrder = example.spec.checks.map((c) => c.name);
  run.checks.sort((a, b) => specOrder.indexOf(a.check.name) - specOrder.indexOf(b.check.name));
  for (const c of run.checks) {
    if (c.check.observation) {
      o.log(`  · ${label}: ${c.check.name}: observation, not judged (${c.passed ? 'passed' : 'failed'}: ${c.reason})`);
      continue;
    }
    const expected = m.breaks.includes(c.check.name) ? 'fail' : 'pass';
    result.retries += c.attempts - 1;
    result.checks.push({ name: c.check.name, expected, status: c.passed ? 'passed' : 'failed', output: excerpt(c.last) });
    const asExpected = c.passed === (expected === 'pass');
    o.log(`  ${asExpected ? '✓' : '✗'} ${label}: ${c.check.name} ${c.passed ? 'passed' : 'failed'}, expected to ${expected} (${c.reason})`);
  }
  if (run.setupFailure) return finish(run.setupFailure);
  const reason = verdictOf(run);
  if (reason && run.diagnostics) o.log(run.diagnostics);
  return finish(reason);
}
