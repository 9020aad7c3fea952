/**
 * Which runs of `npm run test:cluster` may overlap. Every run (an example, or
 * one of its mutations) has namespaces of its own, so most runs are
 * independent and go side by side. The runs of one example overlap with each
 * other only if nothing they create is shared beyond their namespaces: a host
 * port, a node port, a host name on the one Traefik, a cluster-scoped object.
 * Such an example's runs form one chain, one after another, each waiting until
 * the previous run's namespaces are gone.
 */
import type { LoadedExample } from '../examples/load.ts';
import { apiGroup, TEMPLATE_PATHS } from '../yaml/kube.ts';
import { isObj, type Obj } from '../yaml/plain.ts';

/** One run: the example itself, or its mutation with this index. */
export type RunRef = { example: LoadedExample; mutation?: number };

/** Runs the pool executes in order, one after another; jobs run side by side. */
export interface Job {
  runs: RunRef[];
  /** Why the runs are chained, for the log; absent for a single independent run. */
  chainedBecause?: string;
}

/** Kinds whose objects live in a namespace and claim nothing outside it (unless a field below says so). */
const NAMESPACED_KINDS = new Set([
  'Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob',
  'Service', 'EndpointSlice', 'Endpoints', 'ConfigMap', 'Secret', 'ServiceAccount',
  'NetworkPolicy', 'ReferenceGrant', 'Role', 'RoleBinding', 'PodDisruptionBudget',
]);

/** Kinds that Traefik turns into host-name routes shared by every namespace. */
const ROUTING_KINDS = new Set(['Ingress', 'Gateway', 'HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute']);

const at = (v: unknown, path: readonly string[]): unknown => path.reduce<unknown>((o, k) => (isObj(o) ? o[k] : undefined), v);

/** The pod spec of a Pod or of a workload's template, if the object has one. */
function podSpecOf(doc: Obj): Obj | undefined {
  const template = TEMPLATE_PATHS[`${apiGroup(String(doc.apiVersion ?? ''))}/${String(doc.kind ?? '')}`];
  const spec = template ? at(doc, [...template.map(String), 'spec']) : undefined;
  return isObj(spec) ? spec : undefined;
}

/**
 * What one manifest object claims outside its namespace, as a short reason,
 * or undefined when it claims nothing.
 */
export function sharedClaim(doc: unknown): string | undefined {
  if (!isObj(doc)) return undefined;
  const kind = String(doc.kind ?? '');
  const name = String(at(doc, ['metadata', 'name']) ?? '');
  const what = `${kind} ${name}`;
  if (ROUTING_KINDS.has(kind)) return `${what} routes host names through the shared Traefik`;
  if (!NAMESPACED_KINDS.has(kind)) return `${what} is not known to stay inside its namespace`;
  const pod = podSpecOf(doc);
  if (pod?.hostNetwork === true) return `${what} uses the node's network`;
  const containers = [...(Array.isArray(pod?.containers) ? pod.containers : []), ...(Array.isArray(pod?.initContainers) ? pod.initContainers : [])];
  if (containers.some((c) => (Array.isArray(at(c, ['ports'])) ? (at(c, ['ports']) as unknown[]) : []).some((p) => at(p, ['hostPort']) !== undefined))) {
    return `${what} claims a host port`;
  }
  if (kind === 'Service') {
    const spec = at(doc, ['spec']);
    const ports = Array.isArray(at(spec, ['ports'])) ? (at(spec, ['ports']) as unknown[]) : [];
    if (ports.some((p) => at(p, ['nodePort']) !== undefined)) return `${what} fixes a node port`;
    for (const field of ['healthCheckNodePort', 'loadBalancerIP', 'externalIPs']) {
      if (at(spec, [field]) !== undefined) return `${what} fixes spec.${field}`;
    }
  }
  return undefined;
}

/** The first shared claim of an example's manifests (any of its runs), or undefined. */
export function exampleClaim(example: LoadedExample): string | undefined {
  for (const f of example.files) {
    for (const d of f.documents) {
      const c = sharedClaim(d);
      if (c) return `${f.name}: ${c}`;
    }
  }
  return undefined;
}

/**
 * The jobs for these examples: a chain per example that claims something
 * shared (longest chains first, so they do not end the run alone), then one
 * job per run of every other example, in example order.
 */
export function planJobs(examples: readonly LoadedExample[], withMutations: boolean): Job[] {
  const chains: Job[] = [];
  const singles: Job[] = [];
  for (const example of examples) {
    const runs: RunRef[] = [{ example }, ...(withMutations ? example.spec.mutations.map((_, mutation) => ({ example, mutation })) : [])];
    const claim = runs.length > 1 ? exampleClaim(example) : undefined;
    if (claim) chains.push({ runs, chainedBecause: claim });
    else singles.push(...runs.map((r) => ({ runs: [r] })));
  }
  chains.sort((a, b) => b.runs.length - a.runs.length);
  return [...chains, ...singles];
}
