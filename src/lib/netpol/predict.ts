/**
 * predictReachability: the declared matrix (example.yaml `reachability`)
 * predicted from the manifests alone.
 */
import { addressClasses, ambiguousIpBlocks, decide, type AddressClasses } from './evaluate.ts';
import { splitPodRef } from '../examples/load.ts';
import { RESERVED_NAMESPACE_LABEL_PREFIXES } from '../examples/spec.ts';
import { buildWorld, NAMESPACE_NAME_LABEL, PREDICT_RULE, problemAt, type PodInfo, type World } from './model.ts';
import type { DocPath, NetpolProblem, PredictedCell, PredictInput, PredictOutcome, ReachabilityDecl } from './types.ts';

/** A problem in the declaration (example.yaml), located when the caller says where it is. */
function declProblem(input: PredictInput, path: DocPath, message: string, hint: string): NetpolProblem {
  const file = input.declSource?.file ?? 'example.yaml';
  const pos = input.declSource?.locate?.(path) ?? { line: 1, column: 1 };
  return { file, line: pos.line, column: pos.column, rule: PREDICT_RULE, message, hint };
}

/** The pod a declared name stands for: `name` in the example's namespace, `<ns>/name` in an extra one; bare Pods only. */
function resolveDeclared(name: string, world: World): PodInfo | string {
  const { namespace, pod } = splitPodRef(name);
  const ns = namespace ?? world.namespace;
  const found = world.pods.find((p) => p.kind === 'Pod' && p.namespace === ns && p.name === pod);
  if (found) return found;
  const workload = world.pods.find((p) => p.namespace === ns && p.name === pod);
  if (workload) return `${name} is a ${workload.kind}; reachability names bare Pods (the runner probes one known pod)`;
  if (!world.namespaces.has(ns)) return `${name}: namespace ${ns} is neither the example's namespace (${world.namespace}) nor a declared one`;
  const known = world.pods.filter((p) => p.kind === 'Pod').map((p) => p.ref);
  return `no Pod named ${pod} in namespace ${ns} (Pods: ${known.join(', ') || 'none'})`;
}

/** Resolves one list of the declaration; problems for unknown or repeated names. */
function resolveList(input: PredictInput, world: World, key: 'clients' | 'servers', problems: NetpolProblem[]): PodInfo[] {
  const seen = new Set<string>();
  const out: PodInfo[] = [];
  input.decl[key].forEach((name, i) => {
    if (seen.has(name)) problems.push(declProblem(input, [key, i], `${key}: ${name} is listed twice`, 'list each pod once'));
    seen.add(name);
    const r = resolveDeclared(name, world);
    if (typeof r === 'string') problems.push(declProblem(input, [key, i], `${key}: ${r}`, 'name a bare Pod of the manifests, as <pod> or <namespace>/<pod>'));
    else out.push(r);
  });
  return out;
}

/** The matrix for resolved pods; shared by predictReachability and `validate --explain`. */
export function matrixFor(world: World, clients: PodInfo[], servers: PodInfo[], ports: ReachabilityDecl['ports'], classes: AddressClasses, names?: { clients: string[]; servers: string[] }): PredictedCell[] {
  const cells: PredictedCell[] = [];
  clients.forEach((c, ci) => {
    servers.forEach((s, si) => {
      for (const { port, protocol } of ports) {
        const d = decide(c, s, port, protocol, world, classes);
        cells.push({ client: names?.clients[ci] ?? c.ref, server: names?.servers[si] ?? s.ref, port, protocol, verdict: d.verdict, because: d.because });
      }
    });
  });
  return cells;
}

/** ipBlocks that split an address class the probed pods have, as located problems. */
export function ambiguityProblems(world: World, classes: AddressClasses, pods: PodInfo[]): NetpolProblem[] {
  return ambiguousIpBlocks(world, classes, pods).map((a) => problemAt({ src: a.peer.at.src, path: [...a.peer.at.path, 'ipBlock'] }, `NetworkPolicy ${a.policy.name}: ${a.message}`, a.hint));
}

/**
 * namespaceSelectors on a label the runner or the API server sets on its
 * own (the run label, Pod Security labels): the prediction knows only the
 * declared labels and kubernetes.io/metadata.name, so it cannot answer them.
 */
function unknowableSelectors(world: World): NetpolProblem[] {
  const out: NetpolProblem[] = [];
  for (const policy of world.policies) {
    for (const rule of [...(policy.ingress ?? []), ...(policy.egress ?? [])]) {
      for (const peer of rule.peers ?? []) {
        const sel = peer.namespaceSelector;
        if (!sel) continue;
        const keys = [...Object.keys(sel.matchLabels ?? {}), ...(sel.matchExpressions ?? []).map((r) => r.key)];
        const bad = keys.find((k) => k !== NAMESPACE_NAME_LABEL && RESERVED_NAMESPACE_LABEL_PREFIXES.some((p) => k.startsWith(p)));
        if (bad) out.push(problemAt({ src: peer.at.src, path: [...peer.at.path, 'namespaceSelector'] }, `NetworkPolicy ${policy.name}: the namespaceSelector uses ${bad}, a label the runner or the API server sets, which the prediction cannot know`, `select namespaces by a label declared under namespaces: in example.yaml, or by ${NAMESPACE_NAME_LABEL}`));
      }
    }
  }
  return out;
}

/** Predicts the declared reachability matrix from the manifests alone. */
export function predictReachability(input: PredictInput): PredictOutcome {
  const { world, problems } = buildWorld(input.documents, { namespace: input.namespace, namespaces: input.namespaces });
  const clients = resolveList(input, world, 'clients', problems);
  const servers = resolveList(input, world, 'servers', problems);
  const seenPorts = new Set<string>();
  input.decl.ports.forEach((p, i) => {
    const key = `${p.port}/${p.protocol}`;
    if (seenPorts.has(key)) problems.push(declProblem(input, ['ports', i], `ports: ${key} is listed twice`, 'list each port once'));
    seenPorts.add(key);
  });
  const classes = addressClasses(input.plan);
  problems.push(...ambiguityProblems(world, classes, [...clients, ...servers]), ...unknowableSelectors(world));
  if (problems.length > 0) return { ok: false, problems };
  const names = { clients: input.decl.clients, servers: input.decl.servers };
  return { ok: true, matrix: { clients: names.clients, servers: names.servers, ports: input.decl.ports.map((p) => ({ ...p })), cells: matrixFor(world, clients, servers, input.decl.ports, classes, names) } };
}
