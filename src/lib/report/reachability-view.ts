/**
 * What an example page's reachability grid shows (src/components/ReachabilityMatrix.astro):
 * the matrix predicted from the example's manifests by src/lib/netpol and,
 * when the cluster report holds a current measured matrix for the example,
 * the measured outcome of each cell beside it. Like recorded outputs, a stale
 * or missing result shows no measurement, only words saying why.
 */
import { splitPodRef, type LoadedExample } from '../examples/load.ts';
import { cellKey, predictReachability, type PredictedMatrix, type Protocol, type Verdict } from '../netpol/index.ts';
import { exampleInput } from '../netpol/sources.ts';
import type { ReachabilityCell } from './schema.ts';
import type { ExampleBadge } from './status.ts';

/** What the runner's probe saw for one cell (report schema `reachabilityCell.measured`). */
export type MeasuredOutcome = ReachabilityCell['measured'];

/** A client or server as the grid labels it: the Pod name, and the namespace when it is an extra one. */
export interface PodLabel {
  /** As declared in example.yaml: `pod` or `<namespace>/<pod>`. */
  ref: string;
  pod: string;
  /** Set for a Pod in an extra namespace of the example. */
  namespace?: string;
}

/** One column: a server on one port. */
export interface GridColumn {
  server: PodLabel;
  port: number;
  protocol: Protocol;
}

/** One cell: a client connecting to a server's port. */
export interface GridCell {
  /** `client -> server port/protocol` (netpol cellKey), the key the report uses too. */
  key: string;
  predicted: Verdict;
  /** The deciding facts, one line each, from the evaluator. */
  because: string[];
  /** The measured outcome of a current run; absent when there is none. */
  measured?: MeasuredOutcome;
  /** False only when a measurement exists and differs from the prediction. */
  agrees: boolean;
}

/** Whether the grid carries measurements, and the words for its caption. */
export type MeasuredState =
  | { state: 'measured'; caption: string; disagreements: number }
  | { state: 'none'; text: string };

export interface ReachabilityGrid {
  columns: GridColumn[];
  rows: { client: PodLabel; cells: GridCell[] }[];
  measured: MeasuredState;
}

/** A declared pod name as a label. */
export function podLabel(ref: string): PodLabel {
  const { namespace, pod } = splitPodRef(ref);
  return namespace ? { ref, pod, namespace } : { ref, pod };
}

/**
 * The example's predicted matrix. An example that gets here has passed the
 * validator, so a problem means the build is broken: it throws, listing the
 * problems as `file:line:col rule message`.
 */
export function predictedMatrix(example: Pick<LoadedExample, 'slug' | 'spec' | 'files'>): PredictedMatrix | undefined {
  const { input, problems } = exampleInput(example, example.files);
  if (!input) return undefined;
  const outcome = problems.length === 0 ? predictReachability(input) : { ok: false as const, problems };
  if (!outcome.ok) throw new Error(`cannot predict the reachability matrix of ${example.slug}:\n${outcome.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.rule} ${p.message}`).join('\n')}`);
  return outcome.matrix;
}

/** The measured cells a page may show for the example: only those of a current (not stale) run. */
function currentMeasurement(badge: ExampleBadge): { cells?: Map<string, MeasuredOutcome>; none?: string } {
  if (badge.state === 'stale') return { none: `no current measurement: ${badge.label}` };
  const measured = badge.state === 'passed' || badge.state === 'failed' ? badge.result?.reachability : undefined;
  if (!measured || measured.cells.length === 0) return { none: 'not yet measured on a cluster' };
  return { cells: new Map(measured.cells.map((c) => [cellKey(c), c.measured])) };
}

/** The grid for a predicted matrix and the example's badge (which carries the report result). */
export function reachabilityGrid(matrix: PredictedMatrix, badge: ExampleBadge): ReachabilityGrid {
  const byKey = new Map(matrix.cells.map((c) => [cellKey(c), c]));
  const columns: GridColumn[] = matrix.servers.flatMap((s) => matrix.ports.map((p) => ({ server: podLabel(s), port: p.port, protocol: p.protocol })));
  const run = currentMeasurement(badge);
  const rows = matrix.clients.map((client) => ({
    client: podLabel(client),
    cells: columns.map((col): GridCell => {
      const key = cellKey({ client, server: col.server.ref, port: col.port, protocol: col.protocol });
      const predicted = byKey.get(key);
      if (!predicted) throw new Error(`the predicted matrix has no cell ${key}`);
      const measured = run.cells?.get(key);
      return { key, predicted: predicted.verdict, because: predicted.because, ...(measured ? { measured } : {}), agrees: measured === undefined || measured === predicted.verdict };
    }),
  }));
  const disagreements = rows.flatMap((r) => r.cells).filter((c) => !c.agrees).length;
  const on = `${badge.kubernetesVersion ? ` on Kubernetes ${badge.kubernetesVersion}` : ''}${badge.date ? ` on ${badge.date}` : ''}`;
  const measuredState: MeasuredState = run.cells
    ? { state: 'measured', disagreements, caption: `measured on the cluster${on}: ${disagreements === 0 ? 'every cell as predicted' : `${disagreements === 1 ? '1 cell differs' : `${disagreements} cells differ`} from the prediction`}` }
    : { state: 'none', text: run.none! };
  return { columns, rows, measured: measuredState };
}
