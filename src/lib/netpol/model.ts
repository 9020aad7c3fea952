/**
 * The evaluator's typed world: namespaces, pods (bare Pods and the pod
 * templates of workloads) and NetworkPolicies, read from manifest documents
 * with zod, each problem located in its file.
 */
import { z } from 'zod';
import { apiGroup, TEMPLATE_PATHS } from '../yaml/kube.ts';
import { normalise, parseCidr, subtract, type AddressSet, type Interval } from './cidr.ts';
import { labelSelector, type LabelSelector } from './selector.ts';
import type { DocPath, NetpolProblem, Protocol, SourceDocument } from './types.ts';

/** The label every namespace carries with its own name (automatic since Kubernetes 1.22). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The rule id of every problem the evaluator reports. */
export const PREDICT_RULE = 'reachability-predict';

/** An IANA service name, the only form of a named port (k8s.io/apimachinery validation.IsValidPortName). */
const PORT_NAME = /^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?!-))*[a-z0-9]$|^[a-z]$/;

/** metadata as the evaluator reads it. */
const objectMeta = z.object({
  /** Object name. */
  name: z.string().min(1),
  /** Namespace; the default namespace when absent. */
  namespace: z.string().min(1).nullish(),
  /** Labels; selectors match on them. */
  labels: z.record(z.string(), z.string()).nullish(),
});

/** One containerPort (core/v1 ContainerPort): a named port resolves here. */
const containerPort = z.object({
  /** Port number the container listens on. */
  containerPort: z.number().int().min(1).max(65535),
  /** Optional IANA service name a policy can refer to. */
  name: z.string().nullish(),
  /** TCP unless stated. */
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).nullish(),
});

/** A container, for its ports only. */
const container = z.object({
  /** Container name. */
  name: z.string().optional(),
  /** Declared ports. */
  ports: z.array(containerPort).nullish(),
});

/** The parts of a pod (or a pod template) that decide reachability. */
const podLike = z.object({
  /** Name, namespace and labels of the pod. */
  metadata: z.object({
    /** Pod name (templates have none). */
    name: z.string().nullish(),
    /** Labels policies select on. */
    labels: z.record(z.string(), z.string()).nullish(),
  }).nullish(),
  spec: z.object({
    /** A host-network pod has its node's IP and no policy applies to it. */
    hostNetwork: z.boolean().nullish(),
    /** App containers; their ports resolve named ports. */
    containers: z.array(container).nullish(),
    /** Init containers (sidecars can listen too). */
    initContainers: z.array(container).nullish(),
  }).nullish(),
});

/** networking/v1 NetworkPolicyPort. */
const policyPort = z.object({
  /** TCP, UDP or SCTP; TCP when absent. */
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).nullish(),
  /** A port number, or a named port resolved on the destination pod; every port of the protocol when absent. */
  port: z.union([z.number().int().min(1).max(65535), z.string()]).nullish(),
  /** With a numeric port: the last port of a range port..endPort. */
  endPort: z.number().int().min(1).max(65535).nullish(),
}).superRefine((p, ctx) => {
  if (typeof p.port === 'string' && !PORT_NAME.test(p.port)) ctx.addIssue({ code: 'custom', path: ['port'], message: `"${p.port}" is neither a port number nor a valid port name (an IANA service name: lowercase letters, digits and single dashes, at most 15, with a letter)` });
  if (p.endPort != null && typeof p.port !== 'number') ctx.addIssue({ code: 'custom', path: ['endPort'], message: 'endPort needs a numeric port' });
  if (p.endPort != null && typeof p.port === 'number' && p.endPort < p.port) ctx.addIssue({ code: 'custom', path: ['endPort'], message: `endPort ${p.endPort} is below port ${p.port}` });
});

/** networking/v1 IPBlock. */
const ipBlock = z.object({
  /** The CIDR the peer's address must be in. */
  cidr: z.string(),
  /** CIDRs inside `cidr` that do not match. */
  except: z.array(z.string()).nullish(),
});

/** networking/v1 NetworkPolicyPeer: ipBlock alone, or pod and/or namespace selectors (ANDed). */
const policyPeer = z.object({
  /** Pods with these labels; in the policy's namespace unless namespaceSelector is set too. */
  podSelector: labelSelector.nullish(),
  /** Namespaces with these labels; with podSelector, only its pods there. */
  namespaceSelector: labelSelector.nullish(),
  /** Addresses, compared with the peer pod's address class. */
  ipBlock: ipBlock.nullish(),
}).superRefine((p, ctx) => {
  const selectors = p.podSelector != null || p.namespaceSelector != null;
  if (p.ipBlock != null && selectors) ctx.addIssue({ code: 'custom', path: ['ipBlock'], message: 'ipBlock cannot be combined with podSelector or namespaceSelector in one peer' });
  if (p.ipBlock == null && !selectors) ctx.addIssue({ code: 'custom', path: [], message: 'a peer needs podSelector, namespaceSelector or ipBlock (the API server rejects an empty peer)' });
});

/** One ingress rule: sources (`from`) and ports; absent or empty means all. */
const ingressRule = z.object({
  /** Allowed sources; every source when absent or empty. */
  from: z.array(policyPeer).nullish(),
  /** Allowed ports; every port when absent or empty. */
  ports: z.array(policyPort).nullish(),
});

/** One egress rule: destinations (`to`) and ports; absent or empty means all. */
const egressRule = z.object({
  /** Allowed destinations; every destination when absent or empty. */
  to: z.array(policyPeer).nullish(),
  /** Allowed ports; every port when absent or empty. */
  ports: z.array(policyPort).nullish(),
});

/** networking/v1 NetworkPolicySpec. */
const policySpec = z.object({
  /** Pods of the policy's namespace it applies to; `{}` (or absent) is all of them. */
  podSelector: labelSelector.nullish(),
  /** Directions the policy isolates; defaulted from the rules when absent (see policyDirections). */
  policyTypes: z.array(z.enum(['Ingress', 'Egress'])).nullish(),
  /** Ingress allow rules (ORed). */
  ingress: z.array(ingressRule).nullish(),
  /** Egress allow rules (ORed). */
  egress: z.array(egressRule).nullish(),
});

/** A NetworkPolicy object. */
const networkPolicy = z.object({
  /** Name and namespace. */
  metadata: objectMeta,
  /** The policy. */
  spec: policySpec.nullish(),
});

/** A namespace with its labels (automatic name label included). */
export interface NamespaceInfo {
  name: string;
  labels: Record<string, string>;
}

/** A port a container declares. */
export interface PortInfo {
  name?: string;
  port: number;
  protocol: string;
}

/** A pod: a bare Pod, or one representative of a workload's pod template. */
export interface PodInfo {
  /** How matrices name it: `web`, `Deployment/web`, `<ns>/web` outside the default namespace. */
  ref: string;
  /** `Pod` or the workload kind. */
  kind: string;
  name: string;
  namespace: string;
  labels: Record<string, string>;
  hostNetwork: boolean;
  ports: PortInfo[];
}

/** A policy port, normalised. */
export interface RulePort {
  protocol: string;
  /** undefined: every port of the protocol. */
  port?: number | string;
  endPort?: number;
}

/** An ipBlock, as a set of IPv4 addresses. */
export interface IpBlockInfo {
  cidr: string;
  except: string[];
  /** cidr minus except (empty for an IPv6 block: the cluster is IPv4-only). */
  set: AddressSet;
}

/** A peer, normalised; exactly one of selectors or ipBlock. */
export interface PeerInfo {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: IpBlockInfo;
  /** Location of the peer, for problems. */
  at: Located;
}

/** One rule; `peers`/`ports` undefined means every peer/port. */
export interface RuleInfo {
  /** 1-based, as a reader counts. */
  number: number;
  peers?: PeerInfo[];
  ports?: RulePort[];
}

/** A NetworkPolicy, with policyTypes defaulted. */
export interface PolicyInfo {
  name: string;
  namespace: string;
  podSelector: LabelSelector;
  ingress?: RuleInfo[];
  egress?: RuleInfo[];
}

/** Where something is: a document and a path in it. */
export interface Located {
  src: SourceDocument;
  path: DocPath;
}

export interface World {
  /** The default namespace (the example's own). */
  namespace: string;
  namespaces: Map<string, NamespaceInfo>;
  pods: PodInfo[];
  policies: PolicyInfo[];
}

/** A located problem in a manifest document. */
export function problemAt(at: Located, message: string, hint: string): NetpolProblem {
  const pos = at.src.locate?.(at.path) ?? { line: at.src.line ?? 1, column: 1 };
  return { file: at.src.file, line: pos.line, column: pos.column, rule: PREDICT_RULE, message, hint };
}

/** policyTypes as the API server defaults them: Ingress always, Egress when there are egress rules. */
export function policyDirections(spec: z.infer<typeof policySpec>): { ingress: boolean; egress: boolean } {
  const types = spec.policyTypes ?? [];
  if (types.length > 0) return { ingress: types.includes('Ingress'), egress: types.includes('Egress') };
  return { ingress: true, egress: (spec.egress ?? []).length > 0 };
}

function kindOf(doc: unknown): { group: string; kind: string } | undefined {
  if (typeof doc !== 'object' || doc === null) return undefined;
  const { apiVersion, kind } = doc as Record<string, unknown>;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  return { group: apiGroup(apiVersion), kind };
}

function getPath(v: unknown, path: DocPath): unknown {
  return path.reduce<unknown>((o, k) => (typeof o === 'object' && o !== null ? (o as Record<string | number, unknown>)[k] : undefined), v);
}

/** Reads one zod schema at `path`; a located problem per issue. */
function read<T>(schema: z.ZodType<T>, at: Located, what: string, problems: NetpolProblem[]): T | undefined {
  const r = schema.safeParse(getPath(at.src.doc, at.path));
  if (r.success) return r.data;
  for (const issue of r.error.issues) {
    const path = [...at.path, ...(issue.path as DocPath)];
    problems.push(problemAt({ src: at.src, path }, `${what}: ${path.join('.') || '(document)'}: ${issue.message}`, 'fix the field; the evaluator reads it as the API server would'));
  }
  return undefined;
}

function normalisePorts(ports: z.infer<typeof policyPort>[] | null | undefined): RulePort[] | undefined {
  if (!ports || ports.length === 0) return undefined;
  return ports.map((p) => ({ protocol: p.protocol ?? 'TCP', ...(p.port != null ? { port: p.port } : {}), ...(p.endPort != null ? { endPort: p.endPort } : {}) }));
}

function readIpBlock(b: z.infer<typeof ipBlock>, at: Located, problems: NetpolProblem[]): IpBlockInfo | undefined {
  const cidr = parseCidr(b.cidr);
  if ('error' in cidr) {
    problems.push(problemAt({ src: at.src, path: [...at.path, 'ipBlock', 'cidr'] }, `ipBlock cidr ${cidr.error}`, 'write an IPv4 CIDR such as 172.18.0.0/16'));
    return undefined;
  }
  const except = b.except ?? [];
  const cuts: Interval[] = [];
  let bad = false;
  except.forEach((e, i) => {
    const c = parseCidr(e);
    const where = { src: at.src, path: [...at.path, 'ipBlock', 'except', i] };
    if ('error' in c) {
      problems.push(problemAt(where, `ipBlock except ${c.error}`, 'write an IPv4 CIDR inside the block\'s cidr'));
      bad = true;
    } else if (cidr.family === 'ipv4' && (c.family !== 'ipv4' || c.range.lo < cidr.range.lo || c.range.hi > cidr.range.hi)) {
      problems.push(problemAt(where, `ipBlock except ${e} is not inside cidr ${b.cidr}; the API server rejects it`, 'every except must be a sub-range of the cidr'));
      bad = true;
    } else if (c.family === 'ipv4') cuts.push(c.range);
  });
  if (bad) return undefined;
  const set = cidr.family === 'ipv4' ? subtract([cidr.range], normalise(cuts)) : [];
  return { cidr: b.cidr, except, set };
}

function readRules(rules: { from?: unknown; to?: unknown; ports?: z.infer<typeof policyPort>[] | null }[] | null | undefined, key: 'ingress' | 'egress', base: Located, problems: NetpolProblem[]): RuleInfo[] {
  const peerKey = key === 'ingress' ? 'from' : 'to';
  return (rules ?? []).map((r, i) => {
    const peersRaw = (r as Record<string, unknown>)[peerKey] as z.infer<typeof policyPeer>[] | null | undefined;
    const peers = peersRaw && peersRaw.length > 0
      ? peersRaw.flatMap((p, j): PeerInfo[] => {
          const at = { src: base.src, path: [...base.path, 'spec', key, i, peerKey, j] };
          if (p.ipBlock) {
            const block = readIpBlock(p.ipBlock, at, problems);
            return block ? [{ ipBlock: block, at }] : [];
          }
          return [{ ...(p.podSelector ? { podSelector: p.podSelector } : {}), ...(p.namespaceSelector ? { namespaceSelector: p.namespaceSelector } : {}), at }];
        })
      : undefined;
    const ports = normalisePorts(r.ports);
    return { number: i + 1, ...(peers ? { peers } : {}), ...(ports ? { ports } : {}) };
  });
}

/** The pod template path of a workload kind (`apps/Deployment` -> ['spec', 'template']), [] for a Pod. */
function templatePath(group: string, kind: string): DocPath | undefined {
  if (kind === 'PodTemplate') return undefined; // a template object runs no pod
  return TEMPLATE_PATHS[`${group}/${kind}`] as DocPath | undefined;
}

/** Every container port of a pod spec. */
function portsOf(spec: z.infer<typeof podLike>['spec']): PortInfo[] {
  return [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].flatMap((c) =>
    (c.ports ?? []).map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.containerPort, protocol: p.protocol ?? 'TCP' })),
  );
}

/** How a pod is named in matrices and `reachability`: bare name for a Pod, Kind/name for a workload, `<ns>/` prefix outside the default namespace. */
export function podRef(kind: string, name: string, namespace: string, defaultNamespace: string): string {
  const local = kind === 'Pod' ? name : `${kind}/${name}`;
  return namespace === defaultNamespace ? local : `${namespace}/${local}`;
}

export interface WorldOptions {
  /** The namespace of objects without metadata.namespace. */
  namespace: string;
  /** Known namespaces besides the default one, with their labels. */
  namespaces: { name: string; labels: Record<string, string> }[];
  /** Accept objects in namespaces not listed (each gets only its name label); else that is a problem. */
  openNamespaces?: boolean;
}

/** Reads the world from the documents; problems are located in them. */
export function buildWorld(documents: SourceDocument[], opts: WorldOptions): { world: World; problems: NetpolProblem[] } {
  const problems: NetpolProblem[] = [];
  const namespaces = new Map<string, NamespaceInfo>();
  const addNamespace = (name: string, labels: Record<string, string>) => namespaces.set(name, { name, labels: { ...labels, [NAMESPACE_NAME_LABEL]: name } });
  addNamespace(opts.namespace, {});
  for (const ns of opts.namespaces) addNamespace(ns.name, ns.labels);
  const namespaceOf = (meta: { namespace?: string | null }, at: Located): string | undefined => {
    const ns = meta.namespace ?? opts.namespace;
    if (namespaces.has(ns)) return ns;
    if (opts.openNamespaces) {
      addNamespace(ns, {});
      return ns;
    }
    problems.push(problemAt({ src: at.src, path: ['metadata', 'namespace'] }, `namespace "${ns}" is neither the example's namespace nor one of its declared namespaces (${[...namespaces.keys()].join(', ')})`, 'declare the namespace under namespaces: in example.yaml, or remove metadata.namespace'));
    return undefined;
  };
  const pods: PodInfo[] = [];
  const policies: PolicyInfo[] = [];
  for (const src of documents) {
    const k = kindOf(src.doc);
    if (!k) continue;
    const root: Located = { src, path: [] };
    if (k.group === 'networking.k8s.io' && k.kind === 'NetworkPolicy') {
      const np = read(networkPolicy, root, `NetworkPolicy`, problems);
      if (!np) continue;
      const ns = namespaceOf(np.metadata, root);
      if (ns === undefined) continue;
      const spec = np.spec ?? {};
      const dirs = policyDirections(spec);
      policies.push({
        name: np.metadata.name,
        namespace: ns,
        podSelector: spec.podSelector ?? {},
        ...(dirs.ingress ? { ingress: readRules(spec.ingress, 'ingress', root, problems) } : {}),
        ...(dirs.egress ? { egress: readRules(spec.egress, 'egress', root, problems) } : {}),
      });
      continue;
    }
    const tpath = templatePath(k.group, k.kind);
    if (!tpath) continue;
    const meta = read(objectMeta, { src, path: ['metadata'] }, k.kind, problems);
    const pod = read(podLike, { src, path: tpath }, k.kind, problems);
    if (!meta || !pod) continue;
    const ns = namespaceOf(meta, root);
    if (ns === undefined) continue;
    pods.push({
      ref: podRef(k.kind, meta.name, ns, opts.namespace),
      kind: k.kind,
      name: meta.name,
      namespace: ns,
      // A bare Pod's labels are its own; a workload's pods carry the template's.
      labels: { ...(pod.metadata?.labels ?? {}) },
      hostNetwork: pod.spec?.hostNetwork === true,
      ports: portsOf(pod.spec),
    });
  }
  return { world: { namespace: opts.namespace, namespaces, pods, policies }, problems };
}

/** The protocols a matrix probes; SCTP is never probed. */
export function isProbedProtocol(p: string): p is Protocol {
  return p === 'TCP' || p === 'UDP';
}
