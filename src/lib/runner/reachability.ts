/**
 * The reachability matrix on the cluster (example.yaml `reachability`):
 * predicted from the manifests by src/lib/netpol, measured by probing every
 * client -> server -> port cell from inside the client pod, and compared
 * cell by cell. A cell that differs fails the example, naming the cell.
 *
 * The probe is `agnhost connect` to the server pod's IP: exit 0 is
 * `allowed`, TIMEOUT (packets dropped) is `blocked`, REFUSED (nothing
 * listens, or a reject) is `refused`, anything else is `error`. Only
 * `allowed` and `blocked` can match a prediction.
 */
import type { LoadedExample } from '../examples/load.ts';
import { splitPodRef } from '../examples/load.ts';
import type { MutatedFile } from '../examples/mutate.ts';
import type { ExtraNamespace, Reachability } from '../examples/spec.ts';
import { cellKey, predictReachability, type PredictedCell, type PredictedMatrix, type Protocol } from '../netpol/index.ts';
import { PINS } from '../pins.ts';
import { formatProblem } from '../problems.ts';
import type { ReachabilityCell, ReachabilityResult } from '../report/schema.ts';
import { PROBE_TIMEOUT_SECONDS } from '../checks/commands.ts';
import { connectFailure, excerpt } from './evaluate.ts';
import type { Clock, Kubectl, RunResult } from './kubectl.ts';
import { pool } from './pool.ts';

/** What a probe measured in one cell. */
export type Measured = ReachabilityCell['measured'];

/** Where a matrix pod runs: its namespace on the cluster and its name. */
export interface PodLocation {
  namespace: string;
  pod: string;
}

/**
 * Where a declared pod reference (`web`, `<ns>/web`) runs in one run:
 * `own` is the run's namespace for the example's own pods, `rename` maps a
 * declared extra namespace to the one the run uses (itself, or the
 * mutation's `<slug>-m<N>-X`).
 */
export function locatePod(ref: string, own: string, rename: (ns: string) => string = (ns) => ns): PodLocation {
  const { namespace, pod } = splitPodRef(ref);
  return { namespace: namespace === undefined ? own : rename(namespace), pod };
}

/** kubectl arguments of one cell's probe: `agnhost connect` from the client pod to the server's IP. */
export function cellProbeArgs(client: PodLocation, serverIp: string, port: number, protocol: Protocol): string[] {
  return ['exec', '-n', client.namespace, client.pod, '--', '/agnhost', 'connect', `--timeout=${PROBE_TIMEOUT_SECONDS}s`, `--protocol=${protocol.toLowerCase()}`, `${serverIp}:${port}`];
}

/** The cell's outcome from the probe's exit and output (see the module comment). */
export function classifyProbe(r: RunResult): Measured {
  if (r.timedOut) return 'error';
  const f = connectFailure(r);
  return f.kind === 'answered' ? 'allowed' : f.kind === 'timeout' ? 'blocked' : f.kind === 'refused' ? 'refused' : 'error';
}

/** The line that fails an example for a cell, e.g. `cell client-a -> web 8080/TCP: predicted allowed, measured blocked`. */
export function cellMismatch(c: Pick<ReachabilityCell, 'client' | 'server' | 'port' | 'protocol' | 'predicted' | 'measured'>): string {
  return `cell ${cellKey(c)}: predicted ${c.predicted}, measured ${c.measured}`;
}

/** Every cell whose measurement differs from its prediction, as cellMismatch lines. */
export function matrixMismatches(cells: readonly ReachabilityCell[]): string[] {
  return cells.filter((c) => c.measured !== c.predicted).map(cellMismatch);
}

/** The example's matrix predicted from `files` (the example's, or a mutation's before renaming). */
export function predictMatrix(
  example: Pick<LoadedExample, 'slug'> & { spec: { namespaces: ExtraNamespace[]; reachability?: Reachability } },
  files: ReadonlyArray<Pick<MutatedFile, 'displayPath' | 'documents'>>,
): { ok: true; matrix: PredictedMatrix } | { ok: false; reason: string } | undefined {
  const decl = example.spec.reachability;
  if (!decl) return undefined;
  const out = predictReachability({
    documents: files.flatMap((f) => f.documents.map((doc) => ({ file: f.displayPath, doc }))),
    namespace: example.slug,
    namespaces: example.spec.namespaces.map((n) => ({ name: n.name, labels: n.labels })),
    decl: { clients: decl.clients, servers: decl.servers, ports: decl.ports.map((p) => ({ port: p.port, protocol: p.protocol })) },
    plan: { podSubnet: PINS.POD_SUBNET, serviceSubnet: PINS.SERVICE_SUBNET },
  });
  if (out.ok) return out;
  const lines = out.problems.map((p) => formatProblem({ ...p, severity: 'error' }));
  return { ok: false, reason: `the reachability matrix cannot be predicted: ${lines.join('; ')}` };
}

/** Cells whose predictions differ between two matrices of the same declaration (a mutation's proof that it flips one). */
export function flippedCells(before: PredictedMatrix, after: PredictedMatrix): string[] {
  const was = new Map(before.cells.map((c) => [cellKey(c), c.verdict]));
  return after.cells.filter((c) => was.get(cellKey(c)) !== undefined && was.get(cellKey(c)) !== c.verdict).map((c) => `${cellKey(c)}: ${was.get(cellKey(c))} -> ${c.verdict}`);
}

export interface MeasureOptions {
  kubectl: Kubectl;
  clock: Clock;
  /** Attempts a cell gets when it differs from its prediction (the first attempt included). */
  maxAttempts: number;
  retryDelayMs: number;
  /** Probes in flight at once (each blocked cell waits out the probe timeout). */
  concurrency?: number;
  log: (line: string) => void;
  /** Names the run in log lines. */
  label: string;
}

/** How the measurement of one matrix ended. */
export interface MeasuredMatrix {
  result: ReachabilityResult;
  /** Probe attempts beyond the first, over all cells: counted as retries. */
  retries: number;
  /** Why the matrix failed, naming every differing cell; undefined when it passed. */
  reason?: string;
}

/** The server pods' IPs (status.podIP; a hostNetwork pod's is its node's), or the reason one has none. */
async function serverIps(k: Kubectl, servers: ReadonlyArray<{ ref: string; at: PodLocation }>): Promise<Map<string, string> | string> {
  const ips = new Map<string, string>();
  for (const s of servers) {
    const r = await k.run(['get', 'pod', '-n', s.at.namespace, s.at.pod, '-o', 'jsonpath={.status.podIP}'], { timeoutMs: 30_000 });
    const ip = r.stdout.trim();
    if (r.exitCode !== 0 || !/^[0-9a-fA-F.:]+$/.test(ip)) return `reachability: no IP for server ${s.ref} (pod ${s.at.namespace}/${s.at.pod}): ${(r.stderr || r.stdout).trim().split('\n')[0] || 'status.podIP is empty'}`;
    ips.set(s.ref, ip);
  }
  return ips;
}

/**
 * Probes every cell of `predicted` once (after the policy sync barrier, so
 * one attempt should do); a cell that differs from its prediction gets up to
 * maxAttempts in all, with the retry delay between, and each extra attempt
 * counts as a retry. `locate` says where a declared pod runs in this run.
 */
export async function measureMatrix(predicted: PredictedMatrix, locate: (ref: string) => PodLocation, o: MeasureOptions): Promise<MeasuredMatrix> {
  const ips = await serverIps(o.kubectl, predicted.servers.map((ref) => ({ ref, at: locate(ref) })));
  if (typeof ips === 'string') return { result: { status: 'failed', cells: [] }, retries: 0, reason: ips };
  let retries = 0;
  const probe = async (p: PredictedCell): Promise<ReachabilityCell> => {
    const args = cellProbeArgs(locate(p.client), ips.get(p.server)!, p.port, p.protocol);
    let measured: Measured = 'error';
    let last: RunResult | undefined;
    for (let attempt = 1; attempt <= o.maxAttempts; attempt++) {
      if (attempt > 1) {
        retries++;
        // a retry hides a race the barrier should have closed: say what the failed attempt saw
        o.log(`    retry: ${o.label}: cell ${cellKey(p)}: attempt ${attempt - 1} measured ${measured}, predicted ${p.verdict}`);
        await o.clock.sleep(o.retryDelayMs);
      }
      last = await o.kubectl.run(args, { timeoutMs: 45_000 });
      measured = classifyProbe(last);
      if (measured === p.verdict) break;
    }
    return { client: p.client, server: p.server, port: p.port, protocol: p.protocol, predicted: p.verdict, measured, output: excerpt(last!, 200) };
  };
  const cells = await pool(predicted.cells, o.concurrency ?? 4, probe);
  const wrong = matrixMismatches(cells);
  const result: ReachabilityResult = { status: wrong.length ? 'failed' : 'passed', cells };
  return { result, retries, reason: wrong.length ? `reachability: ${wrong.join('; ')}` : undefined };
}
