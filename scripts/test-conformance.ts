/**
 * `npm run test:conformance [-- --ci] [-- --suite ID]`: upstream's own tests on
 * the project's cluster. Builds (cached) Kubernetes' e2e.test and cyclonus at
 * the pinned versions, runs each suite of src/lib/conformance/suites.ts
 * against the running offline cluster (npm run cluster:up first), and writes
 * reports/conformance.json, whole or not at all. Exit 1 when any spec failed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { conformanceReport, summariseCyclonusJunit, summariseGinkgo, summaryLine, type ConformanceReport, type SuiteResult } from '../src/lib/conformance/report.ts';
import { CYCLONUS_AGNHOST_IMAGE, skipExpression, SUITES, type CyclonusSuite, type E2eSuite, type Suite } from '../src/lib/conformance/suites.ts';
import { AGNHOST_IMAGE, PINS } from '../src/lib/pins.ts';
import { CONFORMANCE_REPORT_PATH, siteConfig } from '../src/lib/site/config.ts';

const root = process.cwd();
const usage = `usage: npm run test:conformance -- [--ci] [--suite ID ...] [--report FILE]
  --ci          only the suites marked for CI (${SUITES.filter((s) => s.inCi).map((s) => s.id).join(', ')})
  --suite ID    only this suite (repeatable); known: ${SUITES.map((s) => s.id).join(', ')}
  --report FILE where to write the report (default reports/conformance.json)`;

function fail(message: string, code = 2): never {
  console.error(`test:conformance: ${message}`);
  process.exit(code);
}

let values: { ci?: boolean; suite?: string[]; report?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      ci: { type: 'boolean', default: false },
      suite: { type: 'string', multiple: true },
      report: { type: 'string', default: CONFORMANCE_REPORT_PATH },
      help: { type: 'boolean', default: false },
    },
  }));
} catch (e) {
  fail(`${(e as Error).message}\n${usage}`);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const unknown = (values.suite ?? []).filter((id) => !SUITES.some((s) => s.id === id));
if (unknown.length) fail(`unknown suite ${unknown.join(', ')}\n${usage}`);
const suites = SUITES.filter((s) => (values.suite?.length ? values.suite.includes(s.id) : !values.ci || s.inCi));

const cluster = siteConfig(root);
const kubeconfig = process.env.KUBECONFIG ?? cluster.kubeconfig;
const kubectl = path.join(cluster.binLinksDir, 'kubectl');
if (!existsSync(kubeconfig) || !existsSync(kubectl)) fail(`no cluster: ${kubeconfig} or ${kubectl} is missing; run npm run cluster:up first`);
const serverVersion = (() => {
  try {
    return JSON.parse(execFileSync(kubectl, ['--kubeconfig', kubeconfig, 'version', '-o', 'json'], { encoding: 'utf8' })).serverVersion.gitVersion as string;
  } catch (e) {
    return fail(`the cluster does not answer: ${(e as Error).message.split('\n')[0]}`);
  }
})();

const sh = (script: string, ...args: string[]) =>
  execFileSync('bash', [path.join(root, script), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
let e2eBinary = '';
function e2eTest(): string {
  if (!e2eBinary) {
    console.log(`[conformance] building e2e.test for ${PINS.K8S_VERSION} (cached after the first build)`);
    e2eBinary = sh('scripts/cluster/build-e2e.sh');
  }
  return e2eBinary;
}

/** Runs a program, its output on the console; resolves to its exit code. */
function runTool(bin: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd = root): Promise<number> {
  return new Promise<number>((resolve) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'inherit', 'inherit'], env, cwd });
    child.on('error', (e) => fail(`cannot run ${bin}: ${e.message}`));
    child.on('exit', (c, sig) => resolve(c ?? (sig ? 128 : 1)));
  });
}

/** Runs one e2e suite; resolves to its summary. Ginkgo's own progress goes to the console. */
let testImagesLoaded = false;
async function runSuite(s: E2eSuite, dir: string): Promise<SuiteResult> {
  if (s.needsTestImages && !testImagesLoaded) {
    console.log('[conformance] building and loading the conformance-only images');
    sh('scripts/cluster/build-test-images.sh');
    testImagesLoaded = true;
  }
  const json = path.join(dir, `${s.id}.json`);
  const skip = skipExpression(s);
  const args = [
    '--provider=skeleton',
    `--kubeconfig=${kubeconfig}`,
    `--ginkgo.focus=${s.focus}`,
    ...(skip ? [`--ginkgo.skip=${skip}`] : []),
    `--ginkgo.json-report=${json}`,
    '--ginkgo.no-color',
    '--ginkgo.timeout=2h',
    `--report-dir=${dir}`,
  ];
  console.log(`[conformance] ${s.id}: ${s.title}\n[conformance] e2e.test ${args.join(' ')}`);
  const started = Date.now();
  const code = await runTool(e2eTest(), args);
  const summary = existsSync(json)
    ? summariseGinkgo(JSON.parse(readFileSync(json, 'utf8')), s.focus, s.skips)
    : { passed: [], failed: [{ name: 'e2e.test', message: `exited ${code} without a Ginkgo report (its output above says why)` }], skipped: [], durationSeconds: 0 };
  return {
    id: s.id,
    title: s.title,
    tool: `e2e.test k8s.io/kubernetes ${PINS.K8S_VERSION}`,
    selection: `--ginkgo.focus='${s.focus}'${skip ? ` --ginkgo.skip='${skip}'` : ''}`,
    ...summary,
    durationSeconds: summary.durationSeconds || Math.round((Date.now() - started) / 1000),
  };
}

/**
 * cyclonus' probe pods name an older agnhost tag; the cluster holds the pinned
 * agnhost only, so each node's containerd gets that image under the old tag too.
 */
function tagAgnhostForCyclonus(): void {
  const nodes = execFileSync(kubectl, ['--kubeconfig', kubeconfig, 'get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}'], { encoding: 'utf8' }).trim().split(/\s+/);
  for (const node of nodes) {
    execFileSync('docker', ['exec', node, 'ctr', '-n', 'k8s.io', 'images', 'tag', '--force',
      AGNHOST_IMAGE, CYCLONUS_AGNHOST_IMAGE], { stdio: 'ignore' });
  }
}

async function runCyclonus(s: CyclonusSuite, dir: string): Promise<SuiteResult> {
  sh('scripts/cluster/build-components.sh', 'cyclonus');
  const bin = sh('scripts/cluster/build-components.sh', 'path', 'cyclonus');
  tagAgnhostForCyclonus();
  const junit = path.join(dir, `${s.id}.xml`);
  const args = ['generate', ...s.args, `--junit-results-file=${junit}`];
  console.log(`[conformance] ${s.id}: ${s.title}\n[conformance] cyclonus ${args.join(' ')}`);
  const started = Date.now();
  const code = await runTool(bin, args, { ...process.env, KUBECONFIG: kubeconfig }, dir);
  // a run that ends without results is a failed suite in the report, not a lost report
  const results = existsSync(junit)
    ? summariseCyclonusJunit(readFileSync(junit, 'utf8'))
    : { passed: [], failed: [{ name: 'cyclonus generate', message: `exited ${code} without a JUnit file (its output above says why)` }], skipped: [] };
  return {
    id: s.id,
    title: s.title,
    tool: `cyclonus ${PINS.CYCLONUS_VERSION}`,
    selection: s.args.join(' '),
    ...results,
    durationSeconds: Math.round((Date.now() - started) / 1000),
  };
}

const runOne = (s: Suite, dir: string) => (s.kind === 'e2e' ? runSuite(s, dir) : runCyclonus(s, dir));

const work = mkdtempSync(path.join(os.tmpdir(), 'conformance-'));
const results: SuiteResult[] = [];
try {
  for (const s of suites) {
    const r = await runOne(s, work);
    console.log(`[conformance] ${summaryLine(r)}`);
    for (const f of r.failed) console.log(`  FAILED ${f.name}\n    ${f.message}`);
    results.push(r);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const report: ConformanceReport = conformanceReport.parse({
  schemaVersion: 1,
  generatedAt: new Date().toISOString(),
  kubernetesVersion: serverVersion,
  cni: PINS.CNI,
  kubeProxyMode: PINS.KUBE_PROXY_MODE,
  scope: values.ci ? 'ci' : 'full',
  suites: results,
});
const out = path.resolve(root, values.report!);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(`${out}.part`, `${JSON.stringify(report, null, 2)}\n`);
renameSync(`${out}.part`, out);
const passed = results.reduce((n, r) => n + r.passed.length, 0);
const failed = results.reduce((n, r) => n + r.failed.length, 0);
const skipped = results.reduce((n, r) => n + r.skipped.length, 0);
console.log(`wrote ${path.relative(root, out)}`);
console.log(`conformance: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed ? 1 : 0);
