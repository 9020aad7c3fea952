/**
 * What the runner has to wait for before it runs an example's checks: every
 * workload in its manifests, except those the spec says never become Ready.
 */
import type { LoadedExample } from '../examples/load.ts';

const WORKLOAD_SHORT: Record<string, string> = { Deployment: 'deploy', StatefulSet: 'sts', DaemonSet: 'ds', Pod: 'pod', ReplicaSet: 'rs', Job: 'job' };
const ALIASES: Record<string, string> = { deployment: 'deploy', deployments: 'deploy', statefulset: 'sts', statefulsets: 'sts', daemonset: 'ds', daemonsets: 'ds', pods: 'pod', replicaset: 'rs', jobs: 'job' };

export interface Workload {
  /** kubectl ref, e.g. `deploy/web`. */
  ref: string;
  kind: string;
  name: string;
  /** The extra namespace it is in (its file's); absent for the example's own namespace. */
  namespace?: string;
}

export function normaliseRef(ref: string): string {
  const [kind, name] = ref.split('/') as [string, string];
  return `${ALIASES[kind] ?? kind}/${name}`;
}

export function workloadsToWaitFor(example: Pick<LoadedExample, 'spec' | 'files'>): Workload[] {
  const skip = new Set(example.spec.expectNotReady.map(normaliseRef));
  const out: Workload[] = [];
  for (const f of example.files) {
    for (const doc of f.documents) {
      const o = doc as { kind?: string; metadata?: { name?: string } };
      const short = o.kind ? WORKLOAD_SHORT[o.kind] : undefined;
      if (!short || !o.metadata?.name) continue;
      const ref = `${short}/${o.metadata.name}`;
      // expectNotReady names workloads of the example's own namespace (kind/name).
      if (f.namespace || !skip.has(ref)) out.push({ ref, kind: o.kind!, name: o.metadata.name, ...(f.namespace ? { namespace: f.namespace } : {}) });
    }
  }
  return out;
}

/** The kubectl command that waits for one workload to be Ready. */
export function waitArgs(w: Workload, namespace: string, timeoutSeconds: number): string[] {
  if (w.kind === 'Pod') return ['wait', '-n', namespace, '--for=condition=Ready', w.ref, `--timeout=${timeoutSeconds}s`];
  if (w.kind === 'Job') return ['wait', '-n', namespace, '--for=condition=Complete', w.ref, `--timeout=${timeoutSeconds}s`];
  return ['rollout', 'status', '-n', namespace, w.ref, `--timeout=${timeoutSeconds}s`];
}
