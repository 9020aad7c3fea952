/**
 * Runs one example on a cluster: claim a fresh namespace (named after the
 * slug, labelled with the run, Pod Security enforced; never one the runner
 * did not make), server-side dry run, apply, wait for Ready, the NetworkPolicy
 * sync barrier, every check with bounded retries, diagnostics on failure,
 * delete the namespace (only if it still carries this run's label).
 */
import { renderCheck } from '../checks/commands.ts';
import type { LoadedExample } from '../examples/load.ts';
import type { Check } from '../examples/spec.ts';
import type { ExampleResult } from '../report/schema.ts';
import { evaluate, excerpt } from './evaluate.ts';
import { realClock, type Clock, type Kubectl, type RunResult } from './kubectl.ts';
import { claimNamespace, deleteOwnNamespace, namespaceManifest } from './namespace.ts';
import type { PolicySync } from './policy-sync.ts';
import { waitArgs, workloadsToWaitFor } from './workloads.ts';

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

export async function runExample(example: LoadedExample, o: RunnerOptions): Promise<ExampleResult> {
  const clock = o.clock ?? realClock;
  const started = clock.now();
  const ns = example.slug;
  const k = (args: string[], timeoutMs = 60_000) => o.kubectl.run(args, { timeoutMs });
  const files = example.files.flatMap((f) => ['-f', `${example.dir}/${f.name}`]);
  const result: ExampleResult = { id: example.id, contentHash: example.contentHash, status: 'failed', durationMs: 0, retries: 0, checks: [] };
  let claimed = false;
  const fail = async (reason: string) => {
    result.reason = reason;
    // Only read back a namespace this run made: never a reader's own one.
    if (claimed) result.diagnostics = await diagnostics(o, ns);
    o.log(`  ✗ ${example.id}: ${reason}`);
  };
  try {
    const claim = await claimNamespace(o.kubectl, ns, namespaceManifest(ns, example.spec.podSecurity, o.runId), { clock, log: o.log });
    if (!claim.ok) {
      await fail(claim.reason);
      return result;
    }
    claimed = true;
    const dry = await k(['apply', '--dry-run=server', '--validate=strict', '-n', ns, ...files]);
    if (dry.exitCode !== 0) {
      await fail(`server-side dry run rejected the manifests: ${dry.stderr.trim()}`);
      return result;
    }
    // Pod Security warnings come back on stderr even when the request succeeds.
    if (/violate PodSecurity/.test(dry.stderr)) {
      await fail(`Pod Security ${example.spec.podSecurity} warnings: ${dry.stderr.trim()}`);
      return result;
    }
    const applied = await k(['apply', '--validate=strict', '-n', ns, ...files]);
    if (applied.exitCode !== 0) {
      await fail(`apply failed: ${applied.stderr.trim()}`);
      return result;
    }
    for (const w of workloadsToWaitFor(example)) {
      const waited = await k(waitArgs(w, ns, o.readyTimeoutSeconds), (o.readyTimeoutSeconds + 15) * 1000);
      if (waited.exitCode !== 0) {
        await fail(`${w.ref} did not become Ready within ${o.readyTimeoutSeconds} s: ${(waited.stderr || waited.stdout).trim()}`);
        return result;
      }
    }
    for (const phase of checkPhases(example)) {
      const unsynced = await o.policySync?.barrier(ns);
      if (unsynced) {
        await fail(unsynced);
        return result;
      }
      for (const check of phase) {
        const rendered = renderCheck(check, ns);
        let attempts = 0;
        let verdict = { passed: false, reason: '' };
        let last: RunResult | undefined;
        while (attempts < o.maxAttempts) {
          attempts++;
          last = await o.kubectl.run(rendered.argv.slice(1), { timeoutMs: 45_000 });
          verdict = evaluate(check, last, ns);
          if (verdict.passed) break;
          if (attempts < o.maxAttempts) {
            // a retry hides a race the barrier should have closed: say what the failed attempt saw
            o.log(`    retry: ${example.id}: ${check.name}: attempt ${attempts} failed (${verdict.reason})`);
            await clock.sleep(o.retryDelayMs);
          }
        }
        result.retries += attempts - 1;
        result.checks.push({ name: check.name, status: verdict.passed ? 'passed' : 'failed', durationMs: last!.durationMs, attempts, output: excerpt(last!) });
        o.log(`  ${verdict.passed ? '✓' : '✗'} ${example.id}: ${check.name} (${verdict.reason}${attempts > 1 ? `, ${attempts} attempts` : ''}, ${(last!.durationMs / 1000).toFixed(1)} s)`);
      }
    }
    const failed = result.checks.filter((c) => c.status === 'failed');
    if (failed.length) await fail(`${failed.length} check(s) failed: ${failed.map((c) => c.name).join('; ')}`);
    else result.status = 'passed';
    return result;
  } finally {
    if (claimed && !o.keep) {
      const deleted = await deleteOwnNamespace(o.kubectl, ns, { clock, wait: false, runId: o.runId });
      if (!deleted.ok) o.log(`  ! ${example.id}: ${deleted.reason}`);
    }
    result.durationMs = clock.now() - started;
  }
}
