/**
 * `npm run test:cluster [example ids...]`: tiers 2 and 3 on a real cluster.
 *
 * Uses $KUBECONFIG when set, else the project's offline kind cluster
 * (.cache/cluster/kubeconfig, brought up with `npm run cluster:up` when
 * missing). For each example: server-side dry run, apply into a fresh
 * namespace, wait for Ready, run every check, delete. Writes
 * reports/cluster-validation.json at the end, whole or not at all.
 * Ctrl-C or a crash deletes every namespace this run made (and the cluster,
 * if this run created it).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { listExampleIds, loadAllExamples, loadExample, type LoadedExample } from '../src/lib/examples/load.ts';
import { formatProblem, ProblemError } from '../src/lib/problems.ts';
import type { ClusterReport, ExampleResult } from '../src/lib/report/schema.ts';
import { observeEnvironment } from '../src/lib/report/environment.ts';
import { siteConfig } from '../src/lib/site/config.ts';
import { inspectCluster } from '../src/lib/runner/cluster.ts';
import { cliKubectl, interruptAll, realClock, run } from '../src/lib/runner/kubectl.ts';
import { claimNamespace, deleteOwnNamespace, namespaceManifest, RUN_LABEL } from '../src/lib/runner/namespace.ts';
import { PolicySync } from '../src/lib/runner/policy-sync.ts';
import { runExample, runMutation, type RunnerOptions } from '../src/lib/runner/run-example.ts';
import { runAll } from '../src/lib/runner/run-all.ts';
import { coverageFigure, mutationCoverage, provenBreaks } from '../src/lib/runner/coverage.ts';

const config = siteConfig();
const root = config.root;
const usage = `usage: npm run test:cluster -- [options] [example-id | topic ...]
  (no id: every example; a topic, e.g. networkpolicy-recipes: every example of it; only those are loaded)
  --concurrency N   runs (an example or one of its mutations) at once (default 6)
  --keep            keep each example's namespace after its run
  --allow-skip      exit 0 even when examples were skipped for a missing cluster feature
  --skip-mutations  run only the examples, not their mutations (coverage is then not measured)
  --report FILE     where to write the report (default reports/cluster-validation.json)`;

let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      concurrency: { type: 'string', default: '6' },
      keep: { type: 'boolean', default: false },
      'allow-skip': { type: 'boolean', default: false },
      'skip-mutations': { type: 'boolean', default: false },
      report: { type: 'string', default: path.relative(root, config.clusterReport) },
      help: { type: 'boolean', default: false },
    },
  });
}
try {
  args = parse();
} catch (e) {
  console.error(`error: ${(e as Error).message}\n${usage}`);
  process.exit(2);
}
if (args.values.help) {
  console.log(usage);
  process.exit(0);
}
const concurrency = Number(args.values.concurrency);
if (!Number.isInteger(concurrency) || concurrency < 1) {
  console.error(`error: --concurrency must be a whole number >= 1, got "${args.values.concurrency}"`);
  process.exit(2);
}

const log = (line: string) => console.log(line);
const runId = `${Date.now().toString(36)}-${process.pid}`;
let broughtUp = false;
let cleaningUp = false;

function kubectlBinary(): string {
  if (process.env.KUBECTL) return process.env.KUBECTL;
  // The offline cluster's own kubectl (same version as the server); a kubectl on
  // PATH may be several minor versions older and print different output.
  const built = path.join(config.binLinksDir, 'kubectl');
  if (existsSync(built)) return built;
  return 'kubectl';
}
const kubectl = kubectlBinary();
const kc = cliKubectl(kubectl);

async function cleanup(reason: string): Promise<void> {
  if (cleaningUp) return;
  cleaningUp = true;
  console.error(`\n${reason}: deleting this run's namespaces (label ${RUN_LABEL}=${runId})`);
  interruptAll();
  await run([kubectl, 'delete', 'namespace', '-l', `${RUN_LABEL}=${runId}`, '--wait=true', '--timeout=120s'], { timeoutMs: 130_000, cleanup: true });
  if (broughtUp) {
    console.error('this run created the cluster: taking it down (npm run cluster:down)');
    spawnSync('npm', ['run', '--silent', 'cluster:down'], { stdio: 'inherit' });
  }
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    void cleanup(`interrupted (${sig})`).then(() => process.exit(130));
  });
}

async function ensureCluster(): Promise<void> {
  if (process.env.KUBECONFIG) {
    log(`using KUBECONFIG=${process.env.KUBECONFIG}`);
    return;
  }
  const own = config.kubeconfig;
  if (existsSync(own)) {
    process.env.KUBECONFIG = own;
    const r = await run([kubectl, 'get', '--raw', '/readyz'], { timeoutMs: 15_000 });
    if (r.exitCode === 0) {
      log(`using the project's cluster (${own})`);
      return;
    }
  }
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  if (!pkg.scripts?.['cluster:up']) throw new Error('no KUBECONFIG is set and this checkout has no cluster:up script to create a cluster');
  log('no cluster given: bringing one up with npm run cluster:up');
  broughtUp = true;
  const up = spawnSync('npm', ['run', '--silent', 'cluster:up'], { stdio: 'inherit' });
  if (up.status !== 0) throw new Error(`npm run cluster:up failed (exit ${up.status})`);
  process.env.KUBECONFIG = own;
}

/** Manifests the API server must reject: test/fixtures/api-rejections/*.yaml, each with `# reject: <text the error must contain>`. */
async function checkRejections(): Promise<ClusterReport['rejections']> {
  const dir = path.join(root, 'test', 'fixtures', 'api-rejections');
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  if (!files.length) return [];
  const ns = `api-rejections-${runId}`.slice(0, 63).replace(/[^a-z0-9-]/g, '-');
  const claimed = await claimNamespace(kc, ns, namespaceManifest(ns, 'restricted', runId), { clock: realClock, log });
  if (!claimed.ok) throw new Error(claimed.reason);
  const out: ClusterReport['rejections'] = [];
  log(`\nmanifests the API server must reject (${files.length}):`);
  for (const f of files) {
    const text = readFileSync(path.join(dir, f), 'utf8');
    const want = text.match(/^# reject: (.+)$/m)?.[1]?.trim();
    const r = await run([kubectl, 'apply', '--dry-run=server', '--validate=strict', '-n', ns, '-f', path.join(dir, f)], { timeoutMs: 60_000 });
    const message = (r.stderr + r.stdout).trim().split('\n')[0] ?? '';
    const rejected = r.exitCode !== 0 && (!want || (r.stderr + r.stdout).includes(want));
    out.push({ file: `test/fixtures/api-rejections/${f}`, rejected, message: message.slice(0, 300) });
    log(`  ${rejected ? '✓ rejected' : '✗ NOT rejected as expected'}: ${f}${rejected ? '' : ` (wanted "${want}", got: ${message})`}`);
  }
  const deleted = await deleteOwnNamespace(kc, ns, { clock: realClock, wait: false, runId });
  if (!deleted.ok) log(`! ${deleted.reason}`);
  return out;
}

/**
 * Prints each example's mutation results, the mutation coverage figure (behaviour
 * checks broken by a passing mutation / all behaviour checks of the examples
 * that ran) and the observation checks; returns how many mutations failed.
 */
function reportMutations(examples: LoadedExample[], results: ExampleResult[], ran: boolean): number {
  const byId = new Map(results.map((r) => [r.id, r]));
  const ranExamples = examples.filter((ex) => byId.get(ex.id)?.status !== 'skipped');
  log(`\nmutations:`);
  let bad = 0;
  for (const ex of ranExamples) {
    const ms = byId.get(ex.id)!.mutations;
    if (!ex.spec.mutations.length) log(`  ${ex.id}: no mutation declared`);
    for (const m of ms) {
      if (m.status === 'failed') bad++;
      const matrix = m.reachability ? `, matrix ${m.reachability.cells.length} cells ${m.reachability.status}` : '';
      log(`  ${m.status === 'passed' ? '✓' : '✗'} ${ex.id}: ${m.name} (${m.namespace}${matrix}, ${(m.durationMs / 1000).toFixed(1)} s)${m.reason ? `: ${m.reason}` : ''}`);
    }
  }
  const cov = mutationCoverage(ranExamples, (ex) => provenBreaks(byId.get(ex.id)));
  const ranCount = ranExamples.reduce((n, ex) => n + byId.get(ex.id)!.mutations.length, 0);
  if (!ran) log('mutation coverage: not measured (--skip-mutations)');
  else log(`mutation coverage: ${coverageFigure(cov)} behaviour checks fail under a passing mutation; ${ranCount - bad}/${ranCount} mutations passed`);
  if (ran && cov.uncovered.length) log(`behaviour checks no passing mutation broke (${cov.uncovered.length}):\n${cov.uncovered.map((c) => `  ${c.id}: ${c.check}`).join('\n')}`);
  if (cov.withoutMutations.length) log(`examples without a mutation (${cov.withoutMutations.length}): ${cov.withoutMutations.join(', ')}`);
  log(`observation checks (read state back, need no mutation) (${cov.observations.length}):${cov.observations.map((c) => `\n  ${c.id}: ${c.check}`).join('')}`);
  return bad;
}

/** The example ids the positionals name: each an id, or a topic standing for all its examples. */
function selectIds(all: readonly string[], wanted: readonly string[]): { ids: string[]; unknown: string[] } {
  const ids = new Set<string>();
  const unknown: string[] = [];
  for (const w of wanted) {
    const hits = all.filter((id) => id === w || id.startsWith(`${w}/`));
    if (hits.length) hits.forEach((id) => ids.add(id));
    else unknown.push(w);
  }
  return { ids: all.filter((id) => ids.has(id)), unknown };
}

/** loadExample for each id, every problem collected before throwing. */
function loadSome(dir: string, ids: readonly string[]): LoadedExample[] {
  const out: LoadedExample[] = [];
  const problems: ProblemError['problems'] = [];
  for (const id of ids) {
    try {
      out.push(loadExample(dir, id));
    } catch (e) {
      if (!(e instanceof ProblemError)) throw e;
      problems.push(...e.problems);
    }
  }
  if (problems.length) throw new ProblemError(problems);
  return out;
}

/** One line on the reachability matrices of a run: how many, their cells, and the cells that differed. */
function matrixSummary(results: ExampleResult[]): string | undefined {
  const matrices = results.flatMap((r) => [r.reachability, ...r.mutations.map((m) => m.reachability)]).filter((m) => m !== undefined);
  if (!matrices.length) return undefined;
  const cells = matrices.flatMap((m) => m.cells);
  const differing = cells.filter((c) => c.measured !== c.predicted).length;
  return `reachability: ${matrices.length} matri${matrices.length === 1 ? 'x' : 'ces'} measured (${results.filter((r) => r.reachability).length} of examples, the rest under mutations), ${cells.length} cells, ${cells.filter((c) => c.measured === 'allowed').length} allowed; ${differing} differed from the prediction`;
}

async function main(): Promise<number> {
  const started = Date.now();
  let examples: LoadedExample[];
  const examplesDir = config.examplesDir;
  const wanted = args.positionals;
  const selected = selectIds(listExampleIds(examplesDir), wanted);
  if (selected.unknown.length) {
    console.error(`error: no such example or topic: ${selected.unknown.join(', ')}`);
    return 2;
  }
  try {
    // Named examples only: a half-written example elsewhere does not stop a run of these.
    examples = wanted.length ? loadSome(examplesDir, selected.ids) : loadAllExamples(examplesDir);
  } catch (e) {
    if (e instanceof ProblemError) {
      e.problems.forEach((p) => console.error(formatProblem(p)));
      return 1;
    }
    throw e;
  }

  await ensureCluster();
  const info = await inspectCluster(kc);
  log(`cluster: Kubernetes ${info.kubernetesVersion}, kind ${info.kindVersion}, CNI ${info.cni}; features: ${[...info.features].join(', ') || 'none'}`);
  const policySync = new PolicySync(kc, { enabled: info.kindnetLite, log, clock: realClock });
  const opts: RunnerOptions = { kubectl: kc, runId, maxAttempts: 3, retryDelayMs: 3000, readyTimeoutSeconds: 180, keep: args.values.keep!, log, policySync };

  const runMutations = !args.values['skip-mutations'];
  // Every run (an example, or one of its mutations) has namespaces of its own; run-all.ts plans
  // which may go side by side.
  const results = await runAll(examples, {
    features: info.features, missing: info.missing, concurrency, withMutations: runMutations, log,
    runExample: (ex, awaitDeletion) => runExample(ex, { ...opts, awaitDeletion }),
    runMutation: (ex, i, awaitDeletion) => runMutation(ex, i, { ...opts, awaitDeletion }),
  });
  const rejections = await checkRejections();
  // Examples delete their namespaces without waiting; finish that before reporting,
  // so a completed run leaves no namespace behind either.
  await run([kubectl, 'delete', 'namespace', '-l', `${RUN_LABEL}=${runId}`, '--wait=true', '--timeout=180s'], { timeoutMs: 190_000 });

  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {}
  const report: ClusterReport = {
    schemaVersion: 1,
    commit,
    generatedAt: new Date().toISOString(),
    // What the cluster says about itself (the pins only for the kind version, which it cannot tell):
    // a badge is current only while this equals the environment the pins describe.
    environment: await observeEnvironment(kc, info),
    examples: results,
    rejections,
  };
  const reportPath = path.resolve(root, args.values.report!);
  mkdirSync(path.dirname(reportPath), { recursive: true });
  writeFileSync(`${reportPath}.tmp`, JSON.stringify(report, null, 2) + '\n');
  renameSync(`${reportPath}.tmp`, reportPath);

  const checks = results.flatMap((r) => r.checks);
  const retried = checks.filter((c) => c.attempts > 1);
  const failed = results.filter((r) => r.status === 'failed');
  const skipped = results.filter((r) => r.status === 'skipped');
  const badRejections = rejections.filter((r) => !r.rejected);
  log(`\n${results.length} examples: ${results.filter((r) => r.status === 'passed').length} passed, ${failed.length} failed, ${skipped.length} skipped; ` +
    `${checks.length} checks, ${checks.filter((c) => c.status === 'passed').length} passed, ${retried.length} needed retries` +
    `${retried.length ? ` (${retried.map((c) => c.name).join('; ')})` : ''}; ${rejections.length - badRejections.length}/${rejections.length} bad manifests rejected; ` +
    `${((Date.now() - started) / 1000).toFixed(0)} s. Report: ${path.relative(root, reportPath)}`);
  const matrices = matrixSummary(results);
  if (matrices) log(matrices);
  for (const f of failed) log(`FAILED ${f.id}: ${f.reason}\n${f.diagnostics ?? ''}`);
  const badMutations = reportMutations(examples, results, runMutations);
  // The goal is zero: a retry means a check's outcome depended on timing (policy programming, readiness).
  const retriesOf = (r: ExampleResult) => r.retries + r.mutations.reduce((n, m) => n + m.retries, 0);
  const retries = results.reduce((n, r) => n + retriesOf(r), 0);
  log(`retries: ${retries} attempt${retries === 1 ? ' was a retry' : 's were retries'}, under mutations too${retries ? ` (${results.filter(retriesOf).map((r) => `${r.id}: ${r.retries}${r.mutations.some((m) => m.retries) ? ` + ${retriesOf(r) - r.retries} under mutations` : ''}`).join(', ')})` : ''}; the goal is 0`);
  log(`cluster-examples: ${results.length - failed.length - skipped.length} passed, ${failed.length + badRejections.length} failed${skipped.length ? `, ${skipped.length} skipped` : ''}`);
  if (failed.length || badRejections.length || badMutations) return 1;
  if (skipped.length && !args.values['allow-skip']) {
    console.error(`${skipped.length} example(s) skipped for missing cluster features; pass --allow-skip to accept that`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  async (e) => {
    console.error(`error: ${(e as Error).message}`);
    await cleanup('crashed');
    process.exit(1);
  },
);
