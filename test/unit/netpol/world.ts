/**
 * Small worlds for the evaluator tests: pods and policies as plain objects
 * (what the YAML reader produces), and a predict() that returns the allowed
 * cells so a case states its whole expected matrix in one list.
 */
import { cellKey, predictReachability, type AddressPlan, type PredictedMatrix, type Protocol } from '../../../src/lib/netpol/index.ts';

export const PLAN: AddressPlan = { podSubnet: '10.244.0.0/16', serviceSubnet: '10.96.0.0/16' };
export const NS = 'demo';

type Labels = Record<string, string>;

export interface PodOpts {
  ns?: string;
  hostNetwork?: boolean;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
}

export function pod(name: string, labels: Labels, o: PodOpts = {}): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels, ...(o.ns ? { namespace: o.ns } : {}) },
    spec: { ...(o.hostNetwork ? { hostNetwork: true } : {}), containers: [{ name: 'c', image: 'agnhost', ...(o.ports ? { ports: o.ports } : {}) }] },
  };
}

export function deployment(name: string, labels: Labels, o: PodOpts = {}): object {
  const p = pod(name, labels, o) as { metadata: object; spec: object };
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, ...(o.ns ? { namespace: o.ns } : {}) }, spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: p.spec } } };
}

export function policy(name: string, spec: object, ns?: string): object {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, ...(ns ? { namespace: ns } : {}) }, spec };
}

export interface World {
  docs: object[];
  namespaces?: { name: string; labels: Labels }[];
  clients: string[];
  servers: string[];
  ports?: { port: number; protocol: Protocol }[];
}

export const TCP80 = [{ port: 80, protocol: 'TCP' as const }];

export function predict(w: World): PredictedMatrix {
  const r = predictReachability({
    documents: w.docs.map((doc, i) => ({ file: `w.yaml`, doc, line: i + 1 })),
    namespace: NS,
    namespaces: w.namespaces ?? [],
    decl: { clients: w.clients, servers: w.servers, ports: w.ports ?? TCP80 },
    plan: PLAN,
  });
  if (!r.ok) throw new Error(`unexpected problems:\n${r.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.rule} ${p.message}`).join('\n')}`);
  return r.matrix;
}

/** The allowed cells' keys, sorted; every other cell is blocked. */
export function allowed(w: World): string[] {
  return predict(w).cells.filter((c) => c.verdict === 'allowed').map(cellKey).sort();
}

/** Keys for every listed pair on port 80/TCP (or the given port). */
export function cells(pairs: string, port = '80/TCP'): string[] {
  return pairs.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const [c, srv] = s.split('>').map((x) => x.trim());
    return `${c} -> ${srv} ${port}`;
  }).sort();
}
