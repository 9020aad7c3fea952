/**
 * Where the pods are: the pod template of every workload kind, its labels
 * and containers, with paths for locating problems.
 */
import type { Resource } from '../yaml/manifest-source.ts';
import { apiGroup, TEMPLATE_PATHS } from '../yaml/kube.ts';
import { get, isObj, type Obj, type PathSeg } from '../yaml/plain.ts';

export interface PodTemplate {
  res: Resource;
  /** Path of the object holding `metadata` and `spec` of the pod: [] for a Pod, ['spec', 'template'] for a Deployment. */
  path: PathSeg[];
  labels: Record<string, string>;
  /** The pod spec, when it is an object. */
  spec: Obj | undefined;
  /** `Deployment web` */
  label: string;
  /** Namespace of the owning resource ('' when not set). */
  namespace: string;
}

export interface ContainerRef {
  container: Obj;
  /** Path from the resource root. */
  path: PathSeg[];
  name: string;
  list: 'containers' | 'initContainers' | 'ephemeralContainers';
}

export function namespaceOf(res: Resource): string {
  const ns = get(res.obj, 'metadata', 'namespace');
  return typeof ns === 'string' ? ns : '';
}

export function podTemplateOf(res: Resource): PodTemplate | undefined {
  const path = TEMPLATE_PATHS[`${apiGroup(res.apiVersion)}/${res.kind}`];
  if (!path) return undefined;
  const holder = get(res.obj, ...path);
  if (!isObj(holder)) return undefined;
  const rawLabels = get(holder, 'metadata', 'labels');
  const labels: Record<string, string> = {};
  if (isObj(rawLabels)) for (const [k, v] of Object.entries(rawLabels)) if (typeof v === 'string') labels[k] = v;
  const spec = isObj(holder.spec) ? holder.spec : undefined;
  return { res, path, labels, spec, label: `${res.kind} ${res.name || '(unnamed)'}`, namespace: namespaceOf(res) };
}

export function containersOf(t: PodTemplate, lists: ContainerRef['list'][] = ['containers', 'initContainers', 'ephemeralContainers']): ContainerRef[] {
  const out: ContainerRef[] = [];
  if (!t.spec) return out;
  for (const list of lists) {
    const cs = t.spec[list];
    if (!Array.isArray(cs)) continue;
    cs.forEach((c, i) => {
      if (isObj(c)) out.push({ container: c, path: [...t.path, 'spec', list, i], name: typeof c.name === 'string' ? c.name : `#${i}`, list });
    });
  }
  return out;
}

/** Names of a container's declared ports. */
export function portNames(c: Obj): Set<string> {
  const out = new Set<string>();
  if (Array.isArray(c.ports)) for (const p of c.ports) if (isObj(p) && typeof p.name === 'string') out.add(p.name);
  return out;
}

/** A Service-style selector (plain map): every pair must be present. */
export function mapSelectorMatches(sel: Obj, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(sel)) if (labels[k] !== v) return false;
  return true;
}

export function formatLabels(labels: Record<string, unknown>): string {
  const e = Object.entries(labels);
  return e.length ? e.map(([k, v]) => `${k}=${String(v)}`).join(',') : '(no labels)';
}
