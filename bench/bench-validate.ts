/**
 * npm run bench:validate -- [--resources N] [--runs R] [--only a,b] [--no-kubeconform] [--out report.json]
 *
 * Runs this validator and kubeconform (pinned in bench/kubeconform.ts,
 * built with `go install` into .cache/bin/, `-strict`, JSON schemas exported
 * from the same compact schema) side by side on four corpora, R times each,
 * alternating, each run its own process under /usr/bin/time:
 *
 * - small: one small file (what start-up costs);
 * - real: upstream manifests nobody here wrote, copied at bench time from the
 *   Go module cache (fetched through the module proxy when missing, never
 *   committed): the Gateway API release's examples/ and the Kubernetes
 *   release's test/e2e/testing-manifests and test/fixtures/doc-yaml;
 * - synthetic: the generated corpus (default 50,000 resources in
 *   multi-document files, bench/corpus.ts);
 * - large-file: one generated 10.5 MB multi-document file.
 *
 * Reports wall time and peak memory (max RSS), median of R, with the ratios,
 * and the validator's errors and warnings on the real corpus by rule, each
 * error listed. Not part of `npm test`. The validator runs as `npm run
 * validate` does (node scripts/validate.mjs, the prebuilt bundle).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureSchemaFile, goModuleDir, loadSchemaBundle, REPO_ROOT, writeFileAtomic } from '../src/lib/validator/schema-cache.ts';
import { GATEWAY_API_MODULE, GATEWAY_API_VERSION, KUBERNETES_MODULE, KUBERNETES_VERSION, SCHEMA_FORMAT } from '../src/lib/validator/versions.ts';
import { generateCorpus, generateLargeFile } from './corpus.ts';
import { ensureKubeconform, KUBECONFORM_VERSION } from './kubeconform.ts';
import { exportKubeconformSchemas } from './kubeconform-schemas.ts';

const CORPUS_VERSION = 1;

const CORPORA = ['small', 'real', 'synthetic', 'large-file'] as const;
type CorpusName = (typeof CORPORA)[number];

interface Options {
  /** Resources of the synthetic corpus. */
  resources: number;
  runs: number;
  kubeconform: boolean;
  /** Corpora to run, in this order. */
  only: CorpusName[];
  out?: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { resources: 50_000, runs: 3, kubeconform: true, only: [...CORPORA] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === '--resources') o.resources = Number(next());
    else if (a === '--runs') o.runs = Number(next());
    else if (a === '--no-kubeconform') o.kubeconform = false;
    else if (a === '--only') {
      const list = next().split(',');
      const bad = list.filter((x) => !CORPORA.includes(x as CorpusName));
      if (bad.length) fail(`--only takes ${CORPORA.join(', ')}; not ${bad.join(', ')}`);
      o.only = list as CorpusName[];
    }
    else if (a === '--out') o.out = next();
    else if (a === '-h' || a === '--help') {
      console.log(`usage: npm run bench:validate -- [--resources N] [--runs R] [--only ${CORPORA.join(',')}] [--no-kubeconform] [--out report.json]`);
      process.exit(0);
    } else fail(`unknown option ${a}`);
  }
  if (!Number.isInteger(o.resources) || o.resources < 1) fail('--resources must be a positive integer');
  if (!Number.isInteger(o.runs) || o.runs < 1) fail('--runs must be a positive integer');
  return o;
}

function fail(msg: string): never {
  console.error(`bench-validate: ${msg}`);
  process.exit(2);
}

const log = (s: string) => console.error(`bench: ${s}`);
const base = path.join(REPO_ROOT, '.cache', 'bench-validate');

interface Corpus {
  name: CorpusName;
  /** What is passed to both tools: a folder or a file. */
  path: string;
  files: number;
  bytes: number;
  /** Where it comes from, for the report. */
  what: string;
}

function ensureSynthetic(n: number): Corpus {
  const dir = path.join(base, `corpus-${n}`);
  // The marker lives next to the corpus, not in it: kubeconform reads every .json file it finds.
  const marker = `${dir}.json`;
  const what = `generated: ${n} resources in multi-document files (bench/corpus.ts)`;
  if (existsSync(marker)) {
    const m = JSON.parse(readFileSync(marker, 'utf8'));
    if (m.version === CORPUS_VERSION) return { name: 'synthetic', path: dir, files: m.files, bytes: m.bytes, what };
  }
  log(`generating a corpus of ${n} resources in ${path.relative(process.cwd(), dir)}`);
  rmSync(dir, { recursive: true, force: true });
  let files = 0;
  let bytes = 0;
  let resources = 0;
  for (const f of generateCorpus(n)) {
    const p = path.join(dir, f.path);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, f.text);
    files++;
    bytes += Buffer.byteLength(f.text);
    resources += f.resources;
  }
  writeFileSync(marker, JSON.stringify({ version: CORPUS_VERSION, files, bytes, resources }));
  return { name: 'synthetic', path: dir, files, bytes, what };
}

function ensureSmall(): Corpus {
  const file = path.join(base, 'small', 'app.yaml');
  const [, app] = [...generateCorpus(13)];
  if (!existsSync(file) || readFileSync(file, 'utf8') !== app!.text) writeFileAtomic(file, app!.text);
  return { name: 'small', path: file, files: 1, bytes: Buffer.byteLength(app!.text), what: 'one generated file: a Deployment and its Service, ConfigMap, Secret, ... (10 resources)' };
}

function ensureLargeFile(): Corpus {
  const file = path.join(base, 'large-file', 'large.yaml');
  const big = generateLargeFile(10.5e6);
  if (!existsSync(file) || statSync(file).size !== Buffer.byteLength(big.text)) writeFileAtomic(file, big.text);
  return { name: 'large-file', path: file, files: 1, bytes: Buffer.byteLength(big.text), what: `one generated file of ${big.resources} resources` };
}

/** Upstream folders copied into the real corpus: module, version, folder inside the module. */
const REAL_SOURCES: Array<[string, string, string]> = [
  [GATEWAY_API_MODULE, GATEWAY_API_VERSION, 'examples'],
  [KUBERNETES_MODULE, KUBERNETES_VERSION, 'test/e2e/testing-manifests'],
  [KUBERNETES_MODULE, KUBERNETES_VERSION, 'test/fixtures/doc-yaml'],
];

/** YAML files below `dir`. */
function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (e.isFile() && /\.ya?ml$/i.test(e.name)) out.push(p);
  }
  return out;
}

function ensureReal(): Corpus {
  const dir = path.join(base, 'real');
  const marker = `${dir}.json`;
  const what = REAL_SOURCES.map(([m, v, sub]) => `${m}@${v} ${sub}/`).join(', ');
  if (existsSync(marker)) {
    const m = JSON.parse(readFileSync(marker, 'utf8'));
    if (m.version === CORPUS_VERSION && m.what === what) return { name: 'real', path: dir, files: m.files, bytes: m.bytes, what };
  }
  log(`copying upstream manifests into ${path.relative(process.cwd(), dir)} (${what})`);
  rmSync(dir, { recursive: true, force: true });
  let files = 0;
  let bytes = 0;
  for (const [module, version, sub] of REAL_SOURCES) {
    const from = path.join(goModuleDir(module, version, log), sub);
    for (const f of yamlFiles(from)) {
      const to = path.join(dir, `${module}@${version}`, sub, path.relative(from, f));
      mkdirSync(path.dirname(to), { recursive: true });
      // Module cache files are read-only; the copy need not be.
      writeFileSync(to, readFileSync(f));
      files++;
      bytes += statSync(f).size;
    }
  }
  writeFileSync(marker, JSON.stringify({ version: CORPUS_VERSION, what, files, bytes }));
  return { name: 'real', path: dir, files, bytes, what };
}

function ensureKubeconformSchemas(): string {
  const dir = path.join(base, `kubeconform-schemas-k8s-${KUBERNETES_VERSION}_gw-${GATEWAY_API_VERSION}_f${SCHEMA_FORMAT}`);
  const sub = path.join(dir, `${KUBERNETES_VERSION}-standalone-strict`);
  if (!existsSync(path.join(dir, '.done'))) {
    log(`exporting JSON schemas for kubeconform into ${path.relative(process.cwd(), dir)}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(sub, { recursive: true });
    for (const [name, schema] of exportKubeconformSchemas(loadSchemaBundle())) writeFileSync(path.join(sub, name), JSON.stringify(schema));
    writeFileSync(path.join(dir, '.done'), '');
  }
  return dir;
}

interface Run {
  wall: number;
  cpu: number;
  maxRssKb: number;
  stdout: string;
  status: number | null;
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function measure(cmd: string, args: string[]): Run {
  const started = performance.now();
  const r = TIME
    ? spawnSync(TIME, ['-f', '@@time %e %U %S %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 })
    : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const wallOuter = (performance.now() - started) / 1000;
  let wall = wallOuter;
  let cpu = NaN;
  let maxRssKb = NaN;
  const m = /@@time ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr ?? '');
  if (m) {
    wall = Number(m[1]);
    cpu = Number(m[2]) + Number(m[3]);
    maxRssKb = Number(m[4]);
    // /usr/bin/time prints wall time with 10 ms resolution; prefer our own clock.
    wall = Math.abs(wallOuter - wall) < 0.05 ? wallOuter : wall;
  }
  if (r.status !== 0 && r.status !== 1) {
    console.error(r.stderr);
    fail(`${cmd} exited with ${r.status}`);
  }
  return { wall, cpu, maxRssKb, stdout: r.stdout, status: r.status };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

interface JsonReport {
  files: number;
  resources: number;
  problems: Array<{ file: string; line: number; column: number; rule: string; severity: string; message: string }>;
}

interface KubeconformReport {
  resources?: Array<{ filename: string; kind?: string; name?: string; status: string; msg: string }>;
  summary: Record<string, number>;
}

interface Summary {
  wallSecondsMedian: number;
  wallSecondsMin: number;
  cpuSecondsMedian: number;
  peakRssMB: number;
}

function summarize(runs: Run[]): Summary {
  return {
    wallSecondsMedian: Number(median(runs.map((r) => r.wall)).toFixed(3)),
    wallSecondsMin: Number(Math.min(...runs.map((r) => r.wall)).toFixed(3)),
    cpuSecondsMedian: Number(median(runs.map((r) => r.cpu)).toFixed(2)),
    peakRssMB: Number((median(runs.map((r) => r.maxRssKb)) / 1024).toFixed(0)),
  };
}

/** Counts of a validator report: errors and warnings by rule. */
function countByRule(report: JsonReport): { errors: number; warnings: number; byRule: Record<string, number> } {
  const byRule: Record<string, number> = {};
  let errors = 0;
  let warnings = 0;
  for (const p of report.problems) {
    if (p.severity === 'error') errors++;
    else warnings++;
    const k = `${p.severity} ${p.rule}`;
    byRule[k] = (byRule[k] ?? 0) + 1;
  }
  return { errors, warnings, byRule };
}

/** The Node flags `npm run validate` runs with (package.json `scripts.validate`: `node <flags> scripts/validate.mjs`). */
function validateNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const words = (pkg.scripts?.validate ?? '').split(/\s+/);
  const at = words.indexOf('scripts/validate.mjs');
  if (words[0] !== 'node' || at < 0) fail(`package.json scripts.validate is not "node [flags] scripts/validate.mjs": ${pkg.scripts?.validate}`);
  return words.slice(1, at);
}

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  ensureSchemaFile();
  const launcher = path.join(REPO_ROOT, 'scripts', 'validate.mjs');
  const nodeFlags = validateNodeFlags();
  const ours = (target: string) => ({ cmd: process.execPath, args: [...nodeFlags, launcher, '--format', 'json', target] });
  let kc: ((target: string) => { cmd: string; args: string[] }) | undefined;
  if (o.kubeconform) {
    let bin: string;
    try {
      bin = ensureKubeconform(log);
    } catch (e) {
      fail((e as Error).message);
    }
    const schemas = ensureKubeconformSchemas();
    kc = (target) => ({
      cmd: bin,
      args: ['-strict', '-summary', '-output', 'json', '-kubernetes-version', KUBERNETES_VERSION.replace(/^v/, ''), '-schema-location', `${schemas}/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json`, target],
    });
  }
  const corpora: Corpus[] = o.only.map((name) => (name === 'small' ? ensureSmall() : name === 'real' ? ensureReal() : name === 'synthetic' ? ensureSynthetic(o.resources) : ensureLargeFile()));
  // One run each before measuring: the bundle is built, V8's compile cache and the page cache are warm, for both tools alike.
  for (const c of corpora.slice(0, 1)) {
    measure(ours(c.path).cmd, ours(c.path).args);
    if (kc) measure(kc(c.path).cmd, kc(c.path).args);
  }
  log(`${o.runs} run(s) per tool and corpus, alternating; ${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const results: Record<string, unknown>[] = [];
  const lines: string[] = [];
  for (const c of corpora) {
    const oursRuns: Run[] = [];
    const kcRuns: Run[] = [];
    let report: JsonReport | undefined;
    let kcReport: KubeconformReport | undefined;
    for (let i = 0; i < o.runs; i++) {
      const a = measure(ours(c.path).cmd, ours(c.path).args);
      report = JSON.parse(a.stdout) as JsonReport;
      oursRuns.push(a);
      if (kc) {
        const b = measure(kc(c.path).cmd, kc(c.path).args);
        kcReport = JSON.parse(b.stdout) as KubeconformReport;
        kcRuns.push(b);
      }
      log(`${c.name} run ${i + 1}: validator ${a.wall.toFixed(2)} s ${(a.maxRssKb / 1024).toFixed(0)} MB${kcRuns[i] ? `, kubeconform ${kcRuns[i]!.wall.toFixed(2)} s ${(kcRuns[i]!.maxRssKb / 1024).toFixed(0)} MB` : ''}`);
    }
    const v = summarize(oursRuns);
    const counts = countByRule(report!);
    const entry: Record<string, unknown> = {
      corpus: c.name,
      what: c.what,
      files: c.files,
      megabytes: Number((c.bytes / 1e6).toFixed(2)),
      resources: report!.resources,
      validator: { ...v, errors: counts.errors, warnings: counts.warnings, byRule: counts.byRule },
    };
    let line = `${c.name.padEnd(10)} ${String(report!.resources).padStart(6)} resources ${(c.bytes / 1e6).toFixed(1).padStart(5)} MB | validator ${v.wallSecondsMedian.toFixed(3)} s ${v.peakRssMB} MB`;
    if (kcReport) {
      const k = summarize(kcRuns);
      entry.kubeconform = { version: KUBECONFORM_VERSION, ...k, summary: kcReport.summary };
      entry.speedRatio = Number((k.wallSecondsMedian / v.wallSecondsMedian).toFixed(2));
      entry.memoryRatio = Number((v.peakRssMB / k.peakRssMB).toFixed(2));
      // CPU time (user + system) moves less than wall time when other jobs load the machine; /usr/bin/time counts it in 10 ms steps.
      entry.cpuRatio = v.cpuSecondsMedian > 0 ? Number((k.cpuSecondsMedian / v.cpuSecondsMedian).toFixed(2)) : null;
      line += ` | kubeconform ${k.wallSecondsMedian.toFixed(3)} s ${k.peakRssMB} MB | speed x${entry.speedRatio} (kubeconform wall / validator wall), cpu x${entry.cpuRatio} (${k.cpuSecondsMedian.toFixed(2)} s / ${v.cpuSecondsMedian.toFixed(2)} s), memory x${entry.memoryRatio} (validator RSS / kubeconform RSS)`;
    }
    lines.push(line);
    if (c.name === 'real') {
      const errs = report!.problems.filter((p) => p.severity === 'error');
      entry.errors = errs.map((p) => `${path.relative(c.path, path.resolve(REPO_ROOT, p.file))}:${p.line}:${p.column} ${p.rule} ${p.message}`);
      lines.push(`           real corpus: ${counts.errors} errors, ${counts.warnings} warnings; by rule: ${Object.entries(counts.byRule).map(([k, n]) => `${k} ${n}`).join(', ')}`);
      for (const e of entry.errors as string[]) lines.push(`             ${e}`);
      if (kcReport) lines.push(`           kubeconform on the real corpus: ${JSON.stringify(kcReport.summary)}`);
    } else if (counts.errors) {
      lines.push(`           the validator reported ${counts.errors} errors on a corpus meant to be valid, first: ${report!.problems.find((p) => p.severity === 'error')?.message}`);
    }
    results.push(entry);
  }
  const result = {
    kubernetes: KUBERNETES_VERSION,
    gatewayApi: GATEWAY_API_VERSION,
    runs: o.runs,
    machine: { cpus: os.cpus().length, loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))), node: process.version },
    corpora: results,
  };
  console.log(lines.join('\n'));
  const reportFile = o.out ?? path.join(base, 'report.json');
  writeFileAtomic(reportFile, `${JSON.stringify(result, null, 2)}\n`);
  log(`report written to ${path.relative(process.cwd(), reportFile)}`);
}

main();
