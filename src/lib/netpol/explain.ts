/**
 * `npm run validate -- --explain [--format human|json] [--namespace NS] <paths...>`:
 * the predicted reachability matrix in the terminal.
 *
 * - An example folder with `reachability` in example.yaml: its declared matrix.
 * - Anything else (files, folders of YAML, an example without a matrix):
 *   loose files, read together as one cluster. Every bare Pod and every
 *   workload's pod template (`<Kind>/<name>`) is a client and a server; each
 *   server is probed on its own containerPorts. Objects without
 *   metadata.namespace are in `default` (or --namespace, or the example's
 *   slug); Namespace objects in the files give namespaces their labels.
 *
 * Exit status: 0 a matrix was printed, 1 problems in the input, 2 usage.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadExample } from '../examples/load.ts';
import { SPEC_FILE } from '../examples/spec-file.ts';
import { formatProblem, ProblemError } from '../problems.ts';
import { UsageError } from '../usage-error.ts';
import { addressClasses } from './evaluate.ts';
import { buildWorld, isProbedProtocol, PREDICT_RULE, type World } from './model.ts';
import { predictExample } from './example.ts';
import { ambiguityProblems, matrixFor } from './predict.ts';
import { cellKey, renderMatrixText } from './render.ts';
import { pinnedPlan, sourceDocuments } from './sources.ts';
import type { AddressPlan, NetpolProblem, PredictedMatrix, Protocol } from './types.ts';

export const EXPLAIN_USAGE = `usage: npm run validate -- --explain [--format human|json] [--namespace NS] <files or folders...>

Predicts, from the manifests alone, which pods reach which on which ports
under their NetworkPolicies (NetworkPolicy v1 semantics; ipBlocks are read
against the pinned POD_SUBNET and SERVICE_SUBNET).
An example folder with reachability in example.yaml prints its declared
matrix; other files are read together: every Pod and workload pod template
is a client and a server, probed on its containerPorts. Objects without
metadata.namespace are in "default" (or --namespace NS).
Exit status: 0 matrix printed, 1 problems in the input, 2 usage error.`;

/** One printed matrix and where it came from. */
export interface Explained {
  /** The example folder, or the loose files joined by ", ". */
  source: string;
  matrix: PredictedMatrix;
  /** Servers that declare no containerPort (loose mode): nothing to probe on them. */
  unprobed: string[];
}

const YAML_FILE = /\.ya?ml$/i;

function display(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel === '' ? '.' : rel.startsWith('..') ? p : rel;
}

/**
 * What the paths hold: example folders (a folder with example.yaml, or that
 * file itself), found at any depth, and the other YAML files, read as loose
 * files; sorted, skipping dot-folders.
 */
function collect(paths: string[]): { examples: string[]; loose: string[] } {
  const examples: string[] = [];
  const loose: string[] = [];
  const walk = (p: string, given: boolean) => {
    if (statSync(p).isDirectory()) {
      if (existsSync(path.join(p, SPEC_FILE))) return void examples.push(p);
      const entries = readdirSync(p, { withFileTypes: true }).filter((e) => !e.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name));
      for (const e of entries) if (e.isDirectory() || (e.isFile() && YAML_FILE.test(e.name))) walk(path.join(p, e.name), false);
    } else if (path.basename(p) === SPEC_FILE) examples.push(path.dirname(p));
    else if (given || YAML_FILE.test(p)) loose.push(p);
  };
  for (const p of paths) walk(p, true);
  return { examples, loose };
}

/** An example folder's matrix, or its manifests as loose files when it declares none. */
function explainExample(dir: string, plan: AddressPlan): { explained?: Explained; loose?: LooseSet; problems: NetpolProblem[] } {
  const abs = path.resolve(dir);
  const id = `${path.basename(path.dirname(abs))}/${path.basename(abs)}`;
  const example = loadExample(path.dirname(path.dirname(abs)), id);
  const r = predictExample(example, example.files, plan);
  if (!r) return { loose: { files: example.files.map((f) => path.join(example.dir, f.name)), namespace: example.slug, namespaces: example.spec.namespaces.map((n) => ({ name: n.name, labels: { ...n.labels } })) }, problems: [] };
  return r.ok ? { explained: { source: display(dir), matrix: r.matrix, unprobed: [] }, problems: [] } : { problems: r.problems };
}

/** Every pod of the world, against every other, on each server's own ports. */
function looseMatrix(world: World, plan: AddressPlan): { matrix: PredictedMatrix; unprobed: string[] } {
  const pods = world.pods;
  // A server's probed ports: its TCP and UDP containerPorts, each once.
  const portsOf = (declared: { port: number; protocol: string }[]) => {
    const seen = new Map<string, { port: number; protocol: Protocol }>();
    for (const p of declared) if (isProbedProtocol(p.protocol)) seen.set(`${p.port}/${p.protocol}`, { port: p.port, protocol: p.protocol });
    return [...seen.values()].sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
  };
  const classes = addressClasses(plan);
  const cells = pods.flatMap((server) => {
    const ports = portsOf(server.ports);
    return ports.length ? matrixFor(world, pods, [server], ports, classes) : [];
  });
  // Cells come server by server; the matrix lists them client by client.
  const order = new Map(pods.map((p, i) => [p.ref, i]));
  cells.sort((a, b) => order.get(a.client)! - order.get(b.client)!);
  const allPorts = portsOf(pods.flatMap((p) => p.ports));
  return {
    matrix: { clients: pods.map((p) => p.ref), servers: pods.filter((p) => portsOf(p.ports).length).map((p) => p.ref), ports: allPorts, cells },
    unprobed: pods.filter((p) => portsOf(p.ports).length === 0).map((p) => p.ref),
  };
}

/** Files read together as one cluster: the default namespace, and namespaces known with their labels besides Namespace objects in the files. */
interface LooseSet {
  files: string[];
  namespace: string;
  namespaces: { name: string; labels: Record<string, string> }[];
}

/** Loose files read together as one cluster. */
function explainLoose({ files, namespace, namespaces: known }: LooseSet, plan: AddressPlan): { explained?: Explained; problems: NetpolProblem[] } {
  const problems: NetpolProblem[] = [];
  const documents = files.flatMap((f) => {
    const r = sourceDocuments(display(f), readFileSync(f, 'utf8'));
    problems.push(...r.problems);
    return r.documents;
  });
  // Namespace objects in the files give namespaces their labels.
  const namespaces = [...known, ...documents.flatMap((d) => {
    const o = d.doc as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; labels?: unknown } };
    if (o?.apiVersion !== 'v1' || o.kind !== 'Namespace' || typeof o.metadata?.name !== 'string') return [];
    const labels = typeof o.metadata.labels === 'object' && o.metadata.labels !== null ? Object.fromEntries(Object.entries(o.metadata.labels).filter(([, v]) => typeof v === 'string')) as Record<string, string> : {};
    return [{ name: o.metadata.name, labels }];
  })];
  const built = buildWorld(documents, { namespace, namespaces, openNamespaces: true });
  problems.push(...built.problems);
  if (built.world.pods.length === 0) {
    problems.push({ file: display(files[0] ?? '.'), line: 1, column: 1, rule: PREDICT_RULE, message: 'no Pod or workload in these files: there is nothing to draw a matrix for', hint: 'describe the pods the policies are about in the same files (a Pod, or a Deployment with its template labels and containerPorts)' });
  }
  if (problems.length) return { problems };
  const { matrix, unprobed } = looseMatrix(built.world, plan);
  // A split ipBlock makes a cell depend on an address no file states.
  const ambiguous = ambiguityProblems(built.world, addressClasses(plan), built.world.pods);
  if (ambiguous.length) return { problems: ambiguous };
  return { explained: { source: files.map(display).join(', '), matrix, unprobed }, problems: [] };
}

/** The human rendering: the grid, then why each blocked cell is blocked. */
export function formatExplained(e: Explained): string {
  const m = e.matrix;
  const out = [`${e.source}: predicted reachability, ${m.clients.length} client(s) x ${m.servers.length} server(s), ${m.cells.length} cell(s)`, '', renderMatrixText(m)];
  if (e.unprobed.length) out.push('', `not probed (no containerPorts): ${e.unprobed.join(', ')}`);
  const blocked = m.cells.filter((c) => c.verdict === 'blocked');
  if (blocked.length) {
    out.push('', 'why blocked:');
    for (const c of blocked) out.push(`  ${cellKey(c)}`, ...c.because.map((b) => `    ${b}`));
  }
  return out.join('\n');
}

/** --help: print the usage and exit 0. */
class HelpRequest extends Error {}

interface Args {
  format: 'human' | 'json';
  namespace: string;
  paths: string[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { format: 'human', namespace: 'default', paths: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (flag: string) => {
      const v = a === flag ? argv[++i] : a.slice(flag.length + 1);
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (a === '--explain') continue;
    if (a === '-h' || a === '--help') throw new HelpRequest();
    if (a === '--format' || a.startsWith('--format=')) {
      const v = value('--format');
      if (v !== 'human' && v !== 'json') throw new UsageError(`--explain supports --format human or json, not ${JSON.stringify(v)}`);
      args.format = v;
    } else if (a === '--namespace' || a.startsWith('--namespace=')) {
      const v = value('--namespace');
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v)) throw new UsageError(`--namespace ${JSON.stringify(v)} is not a namespace name (a DNS label)`);
      args.namespace = v;
    } else if (a.startsWith('-')) throw new UsageError(`unknown option for --explain: ${a}`);
    else args.paths.push(a);
  }
  if (args.paths.length === 0) throw new UsageError('--explain needs files or folders to read');
  for (const p of args.paths) if (!existsSync(p)) throw new UsageError(`cannot read ${p}: no such file or folder`);
  return args;
}

/** Runs --explain; returns the exit status. */
export function explainMain(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): number {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof HelpRequest) {
      out(`${EXPLAIN_USAGE}\n`);
      return 0;
    }
    if (e instanceof UsageError) {
      err(`validate: ${e.message}\n${EXPLAIN_USAGE}\n`);
      return 2;
    }
    throw e;
  }
  const plan = pinnedPlan();
  const explained: Explained[] = [];
  const problems: NetpolProblem[] = [];
  const { examples, loose } = collect(args.paths);
  for (const dir of examples) {
    try {
      const r = explainExample(dir, plan);
      problems.push(...r.problems);
      if (r.explained) explained.push(r.explained);
      if (r.loose) {
        const l = explainLoose(r.loose, plan);
        problems.push(...l.problems);
        if (l.explained) explained.push({ ...l.explained, source: display(dir) });
      }
    } catch (e) {
      // The loader's located problems (a broken example.yaml); the other examples still get their matrices.
      if (e instanceof ProblemError) problems.push(...e.problems.map((p) => ({ ...p, hint: p.hint ?? '' })));
      else throw e;
    }
  }
  if (loose.length) {
    const l = explainLoose({ files: loose, namespace: args.namespace, namespaces: [] }, plan);
    problems.push(...l.problems);
    if (l.explained) explained.push(l.explained);
  }
  if (args.format === 'json') out(`${JSON.stringify({ matrices: explained, problems })}\n`);
  else {
    const parts = explained.map(formatExplained);
    if (problems.length) parts.push(problems.map((p) => formatProblem({ ...p, severity: 'error' })).join('\n'));
    out(`${parts.join('\n\n')}\n`);
  }
  return problems.length ? 1 : 0;
}
