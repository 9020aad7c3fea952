/**
 * The namespaces the runner works in, made safe for a reader's own cluster.
 *
 * Every namespace the runner creates carries RUN_LABEL (value: the run id).
 * The runner deletes a namespace only after reading it back with that label,
 * and only that very object: the delete carries the uid and resourceVersion
 * it read as preconditions, so a namespace replaced or relabelled in between
 * is left alone. A namespace of the same name without the label is never
 * touched; the example fails and says how to clear the way.
 */
import type { Clock, Kubectl } from './kubectl.ts';

export const RUN_LABEL = 'k8s-networking-proven.dev/run';

/**
 * A namespace of this run: `labels` (an example's declared ones) first, so
 * the run label and the Pod Security labels always win.
 */
export function namespaceManifest(name: string, level: string, runId: string, labels: Readonly<Record<string, string>> = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        ...labels,
        [RUN_LABEL]: runId,
        'pod-security.kubernetes.io/enforce': level,
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/warn': level,
      },
    },
  });
}

/** What the runner needs to know about an existing namespace. */
export interface NamespaceState {
  name: string;
  uid: string;
  resourceVersion: string;
  /** The RUN_LABEL value, when the namespace carries the label. */
  runLabel?: string;
  /** Being deleted already (deletionTimestamp set). */
  terminating: boolean;
}

export type Outcome = { ok: true } | { ok: false; reason: string };

export interface NamespaceOptions {
  clock: Clock;
  /** How long to wait for a deleted namespace to disappear. */
  deleteTimeoutMs?: number;
  /** How often to look while waiting. */
  pollMs?: number;
  log?: (line: string) => void;
}

const DELETE_TIMEOUT_MS = 120_000;
const POLL_MS = 1000;

function firstLine(s: string): string {
  return s.trim().split('\n')[0] ?? '';
}

/** Reads one namespace: undefined when there is none, a reason string when kubectl failed. */
export async function getNamespace(k: Kubectl, name: string): Promise<NamespaceState | undefined | { error: string }> {
  const r = await k.run(['get', 'namespace', name, '-o', 'json', '--ignore-not-found'], { timeoutMs: 30_000 });
  if (r.exitCode !== 0) return { error: `kubectl get namespace ${name} failed: ${firstLine(r.stderr || r.stdout)}` };
  if (r.stdout.trim() === '') return undefined;
  let o: { metadata?: { name?: string; uid?: string; resourceVersion?: string; labels?: Record<string, string>; deletionTimestamp?: string } };
  try {
    o = JSON.parse(r.stdout);
  } catch {
    return { error: `kubectl get namespace ${name} printed something that is not JSON: ${firstLine(r.stdout)}` };
  }
  const m = o.metadata ?? {};
  return { name, uid: m.uid ?? '', resourceVersion: m.resourceVersion ?? '', runLabel: m.labels?.[RUN_LABEL], terminating: Boolean(m.deletionTimestamp) };
}

function isError(s: unknown): s is { error: string } {
  return typeof s === 'object' && s !== null && 'error' in s;
}

/** The reason given for a namespace that is not the runner's. */
export function foreignNamespaceReason(name: string): string {
  return (
    `namespace "${name}" already exists and was not made by this runner (it has no ${RUN_LABEL} label), so the runner left it untouched and did not run the example. ` +
    `If it is a leftover you want gone, delete it (kubectl delete namespace ${name}) or label it for the runner to replace (kubectl label namespace ${name} ${RUN_LABEL}=stale); ` +
    `otherwise run the examples on a cluster where that name is free`
  );
}

/**
 * Deletes a namespace only if it carries RUN_LABEL (with the value runId,
 * when given), and only the object just read: uid and resourceVersion go
 * with the delete as preconditions. With `wait`, returns once it is gone.
 * An absent namespace is fine; an unlabelled one is refused, untouched.
 */
export async function deleteOwnNamespace(k: Kubectl, name: string, o: NamespaceOptions & { wait: boolean; runId?: string; cleanup?: boolean }): Promise<Outcome> {
  for (let attempt = 1; ; attempt++) {
    const ns = await getNamespace(k, name);
    if (isError(ns)) return { ok: false, reason: ns.error };
    if (!ns) return { ok: true };
    if (ns.runLabel === undefined) return { ok: false, reason: `namespace "${name}" has no ${RUN_LABEL} label: not deleting it` };
    if (o.runId !== undefined && ns.runLabel !== o.runId) {
      return { ok: false, reason: `namespace "${name}" belongs to run ${ns.runLabel}, not to this run (${o.runId}): not deleting it` };
    }
    if (!ns.terminating) {
      const body = JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: ns.uid, resourceVersion: ns.resourceVersion } });
      const r = await k.run(['delete', '--raw', `/api/v1/namespaces/${name}`, '-f', '-'], { timeoutMs: 30_000, input: body, cleanup: o.cleanup });
      if (r.exitCode !== 0) {
        const said = firstLine(r.stderr || r.stdout);
        // The namespace changed between the read and the delete: read it again, a few times.
        if (/Conflict|Precondition failed|the object has been modified/i.test(said) && attempt < 3) continue;
        if (/NotFound|not found/i.test(said)) return { ok: true };
        return { ok: false, reason: `could not delete namespace "${name}": ${said}` };
      }
    }
    if (!o.wait) return { ok: true };
    return waitUntilGone(k, ns, o);
  }
}

/** Polls until the namespace with this uid is gone (a new one of the same name is not it). */
async function waitUntilGone(k: Kubectl, ns: NamespaceState, o: NamespaceOptions): Promise<Outcome> {
  const timeout = o.deleteTimeoutMs ?? DELETE_TIMEOUT_MS;
  const deadline = o.clock.now() + timeout;
  for (;;) {
    const now = await getNamespace(k, ns.name);
    if (isError(now)) return { ok: false, reason: now.error };
    if (!now || now.uid !== ns.uid) return { ok: true };
    if (o.clock.now() >= deadline) {
      return { ok: false, reason: `namespace "${ns.name}" was deleted but is still terminating after ${Math.round(timeout / 1000)} s; look at what holds it (kubectl get namespace ${ns.name} -o yaml)` };
    }
    await o.clock.sleep(o.pollMs ?? POLL_MS);
  }
}

/**
 * Makes `name` a fresh namespace of this run. Absent: created (from
 * `manifest`, which carries RUN_LABEL). Present with RUN_LABEL (left by an
 * interrupted run): deleted, waited for, then created. Present without it:
 * not touched, and the outcome says how to clear the way.
 */
export async function claimNamespace(k: Kubectl, name: string, manifest: string, o: NamespaceOptions): Promise<Outcome> {
  const ns = await getNamespace(k, name);
  if (isError(ns)) return { ok: false, reason: ns.error };
  if (ns) {
    if (ns.runLabel === undefined) return { ok: false, reason: foreignNamespaceReason(name) };
    o.log?.(`  namespace ${name} was left by run ${ns.runLabel}: deleting it first`);
    const deleted = await deleteOwnNamespace(k, name, { ...o, wait: true });
    if (!deleted.ok) return { ok: false, reason: `a namespace "${name}" left by an earlier run is in the way: ${deleted.reason}` };
  }
  // create, not apply: if a namespace of that name appeared meanwhile, this fails instead of changing it.
  const created = await k.run(['create', '-f', '-'], { timeoutMs: 30_000, input: manifest });
  if (created.exitCode !== 0) {
    const said = firstLine(created.stderr || created.stdout);
    if (/AlreadyExists|already exists/i.test(said)) {
      return { ok: false, reason: `namespace "${name}" appeared while the runner was creating it; it was left untouched: ${said}` };
    }
    return { ok: false, reason: `could not create namespace "${name}": ${said}` };
  }
  return { ok: true };
}
