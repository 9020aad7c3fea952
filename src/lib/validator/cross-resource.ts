/**
 * Cross-resource rules: checks between the resources of one unit (an
 * example, or a folder or file given on the command line), kube-linter
 * style, each with its own rule id (rules.ts):
 *
 *   duplicate-resource, workload-selector-matches-template,
 *   service-selector-matches, service-target-port, probe-port-exists,
 *   ingress-backend-exists, ingress-class-resolves, gateway-class-resolves,
 *   route-parent-resolves, route-backend-exists, networkpolicy-selects-pods
 *
 * What the cluster provides (IngressClass and GatewayClass of the runner's
 * cluster) comes in through `UnitEnvironment`.
 */
import type { Resource } from '../yaml/manifest-source.ts';
import { get, isObj, type Obj, type PathSeg } from '../yaml/plain.ts';
import type { Finding } from './findings.ts';
import { apiGroup, selectorMatches, TEMPLATE_PATHS } from '../yaml/kube.ts';
import { containersOf, formatLabels, mapSelectorMatches, namespaceOf, podTemplateOf, portNames, type PodTemplate } from './pods.ts';

export interface UnitEnvironment {
  /** IngressClass names the cluster provides (examples/README.md: `traefik` with `requires: [ingress]`). */
  ingressClasses: ReadonlySet<string>;
  /** GatewayClass names the cluster provides (`traefik` with `requires: [gateway]`). */
  gatewayClasses: ReadonlySet<string>;
  /** Where the environment comes from, for messages (e.g. "requires: [ingress]"). */
  describe: string;
}

export const NO_ENVIRONMENT: UnitEnvironment = { ingressClasses: new Set(), gatewayClasses: new Set(), describe: 'nothing is declared as provided by the cluster' };

export interface ResourceFinding {
  res: Resource;
  finding: Finding;
}

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

class Unit {
  readonly templates: PodTemplate[] = [];
  /** `key=value` -> templates carrying that label. */
  private readonly byLabel = new Map<string, PodTemplate[]>();
  private readonly byKindName = new Map<string, Resource[]>();
  readonly out: ResourceFinding[] = [];

  constructor(readonly resources: Resource[]) {
    for (const r of resources) {
      const t = podTemplateOf(r);
      if (t) {
        this.templates.push(t);
        for (const [k, v] of Object.entries(t.labels)) {
          const key = `${k}=${v}`;
          const list = this.byLabel.get(key);
          if (list) list.push(t);
          else this.byLabel.set(key, [t]);
        }
      }
      if (r.name) {
        const key = `${apiGroup(r.apiVersion)}/${r.kind}/${r.name}`;
        const list = this.byKindName.get(key);
        if (list) list.push(r);
        else this.byKindName.set(key, [r]);
      }
    }
  }

  find(group: string, kind: string, name: string, namespace: string): Resource | undefined {
    return this.byKindName.get(`${group}/${kind}/${name}`)?.find((r) => sameNamespace(namespaceOf(r), namespace));
  }

  /** Pod templates a map selector (Service) selects. */
  selectMap(sel: Obj, namespace: string): PodTemplate[] {
    const entries = Object.entries(sel);
    const first = entries[0];
    const candidates = first ? this.byLabel.get(`${first[0]}=${String(first[1])}`) ?? [] : this.templates;
    return candidates.filter((t) => sameNamespace(t.namespace, namespace) && mapSelectorMatches(sel, t.labels));
  }

  /** Pod templates a LabelSelector selects. */
  select(sel: Obj, namespace: string): PodTemplate[] {
    const ml = isObj(sel.matchLabels) ? Object.entries(sel.matchLabels) : [];
    const first = ml[0];
    const candidates = first ? this.byLabel.get(`${first[0]}=${String(first[1])}`) ?? [] : this.templates;
    return candidates.filter((t) => sameNamespace(t.namespace, namespace) && selectorMatches(sel, t.labels));
  }

  /** `closedWorld`: the finding holds only if the unit is all that is applied (Finding.closedWorld). */
  report(res: Resource, rule: string, path: PathSeg[], message: string, hint?: string, closedWorld = false): void {
    const finding: Finding = { rule, message, path };
    if (hint) finding.hint = hint;
    if (closedWorld) finding.closedWorld = true;
    this.out.push({ res, finding });
  }

  /** Labels of the unit's pods, for hints. */
  podLabelsHint(namespace: string): string {
    const ts = this.templates.filter((t) => sameNamespace(t.namespace, namespace));
    if (ts.length === 0) return 'the unit has no pods (Pod, Deployment, StatefulSet, DaemonSet, Job, ...)';
    const shown = ts.slice(0, 5).map((t) => `${t.label}: ${formatLabels(t.labels)}`);
    return `pods here carry ${shown.join('; ')}${ts.length > 5 ? '; ...' : ''}`;
  }
}

/** Resources without a namespace go into the namespace the unit is applied to: they match each other. */
function sameNamespace(a: string, b: string): boolean {
  return a === b || a === '' || b === '';
}

/** The kinds whose whole object the rules below read (dispatched on in crossResourceChecks, or read when found). */
const READ_WHOLE = new Set(['v1/Service', 'networking.k8s.io/Ingress', 'networking.k8s.io/NetworkPolicy', `${GATEWAY_GROUP}/Gateway`, `${GATEWAY_GROUP}/HTTPRoute`, `${GATEWAY_GROUP}/GRPCRoute`]);

/** The container fields the rules below read: the name, the ports and the handlers that name a port. */
const CONTAINER_FIELDS = ['name', 'ports', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle'];

/**
 * What these rules read of an object, so that a large unit need not keep
 * every parsed tree until its last file is read: the whole object for the
 * kinds above; for a workload, the selectors and scalar fields (Job's
 * manualSelector) on the way to its pod template, the template's labels and
 * its containers' CONTAINER_FIELDS; for any kind, apiVersion, kind and
 * metadataView (the others are only found by name).
 */
export function crossResourceView(res: Resource): Resource {
  const key = `${apiGroup(res.apiVersion)}/${res.kind}`;
  if (READ_WHOLE.has(key)) return res;
  const obj: Obj = { apiVersion: res.obj.apiVersion, kind: res.obj.kind, metadata: metadataView(res.obj.metadata) };
  const path = TEMPLATE_PATHS[key];
  if (path) {
    let from: Obj = res.obj;
    let to = obj;
    let reached = 0;
    for (const seg of path) {
      if (from !== res.obj) for (const [k, v] of Object.entries(from)) if (k === 'selector' || typeof v !== 'object' || v === null) to[k] = v;
      const next = from[seg as string];
      if (!isObj(next)) break;
      from = next;
      to = to[seg as string] = {};
      reached++;
    }
    if (reached === path.length) {
      to.metadata = metadataView(from.metadata);
      if (isObj(from.spec)) to.spec = podSpecView(from.spec);
    }
  }
  return { ...res, obj };
}

/** The metadata these rules read: name, namespace and labels (annotations can be large, and silences are read before). */
function metadataView(meta: unknown): unknown {
  if (!isObj(meta)) return meta;
  const out: Obj = {};
  for (const k of ['name', 'namespace', 'labels']) if (k in meta) out[k] = meta[k];
  return out;
}

function podSpecView(spec: Obj): Obj {
  const out: Obj = {};
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    const cs = spec[list];
    if (!Array.isArray(cs)) continue;
    out[list] = cs.map((c) => (isObj(c) ? Object.fromEntries(CONTAINER_FIELDS.filter((k) => k in c).map((k) => [k, c[k]])) : c));
  }
  return out;
}

export function crossResourceChecks(resources: Resource[], env: UnitEnvironment): ResourceFinding[] {
  const u = new Unit(resources);
  duplicates(u);
  for (const r of resources) {
    const group = apiGroup(r.apiVersion);
    if (group === 'v1' && r.kind === 'Service') service(u, r);
    else if (group === 'networking.k8s.io' && r.kind === 'Ingress') ingress(u, r, env);
    else if (group === 'networking.k8s.io' && r.kind === 'NetworkPolicy') networkPolicy(u, r);
    else if (group === GATEWAY_GROUP && r.kind === 'Gateway') gateway(u, r, env);
    else if (group === GATEWAY_GROUP && (r.kind === 'HTTPRoute' || r.kind === 'GRPCRoute')) route(u, r);
  }
  for (const t of u.templates) {
    workloadSelector(u, t);
    probes(u, t);
  }
  return u.out;
}

function duplicates(u: Unit): void {
  const seen = new Map<string, Resource>();
  for (const r of u.resources) {
    if (!r.name || !r.kind) continue;
    const key = `${apiGroup(r.apiVersion)}/${r.kind}/${namespaceOf(r)}/${r.name}`;
    const first = seen.get(key);
    if (first) {
      // In one file it is wrong whatever else is applied; across files only if the files are applied together.
      const otherFile = first.source !== r.source;
      u.report(r, 'duplicate-resource', ['metadata', 'name'], `${r.kind} "${r.name}" is defined twice (first in ${first.source.file})`, 'rename one; the second apply would overwrite the first', otherFile);
    } else seen.set(key, r);
  }
}

const SELECTOR_REQUIRED = new Set(['apps/Deployment', 'apps/ReplicaSet', 'apps/StatefulSet', 'apps/DaemonSet']);

function workloadSelector(u: Unit, t: PodTemplate): void {
  const r = t.res;
  const key = `${apiGroup(r.apiVersion)}/${r.kind}`;
  let sel: unknown;
  if (SELECTOR_REQUIRED.has(key)) sel = get(r.obj, 'spec', 'selector');
  else if (key === 'batch/Job' && get(r.obj, 'spec', 'manualSelector') === true) sel = get(r.obj, 'spec', 'selector');
  else if (key === 'v1/ReplicationController') {
    const s = get(r.obj, 'spec', 'selector');
    if (isObj(s) && Object.keys(s).length && !mapSelectorMatches(s, t.labels)) {
      u.report(r, 'workload-selector-matches-template', ['spec', 'selector'], `selector ${formatLabels(s)} does not match the template labels ${formatLabels(t.labels)}`, 'make spec.template.metadata.labels include every selector label');
    }
    return;
  } else return;
  if (!isObj(sel)) return; // missing: schema-required reports it
  const empty = !(isObj(sel.matchLabels) && Object.keys(sel.matchLabels).length) && !(Array.isArray(sel.matchExpressions) && sel.matchExpressions.length);
  if (empty) {
    u.report(r, 'workload-selector-matches-template', ['spec', 'selector'], `${r.kind} selector is empty; the API server requires a non-empty selector`, 'select the template labels, e.g. matchLabels: { app: <name> }');
    return;
  }
  if (!selectorMatches(sel, t.labels)) {
    u.report(
      r,
      'workload-selector-matches-template',
      ['spec', 'selector'],
      `selector does not match the template labels ${formatLabels(t.labels)}; the API server rejects this ${r.kind}`,
      'make spec.template.metadata.labels carry every matchLabels pair (and satisfy matchExpressions)',
    );
  }
}

function service(u: Unit, r: Resource): void {
  const spec = get(r.obj, 'spec');
  if (!isObj(spec) || spec.type === 'ExternalName') return;
  const sel = spec.selector;
  if (!isObj(sel) || Object.keys(sel).length === 0) return; // no selector: endpoints are managed by hand
  const ns = namespaceOf(r);
  const selected = u.selectMap(sel, ns);
  if (selected.length === 0) {
    u.report(r, 'service-selector-matches', ['spec', 'selector'], `selector ${formatLabels(sel)} matches no pod template in this unit; the Service would have no endpoints`, u.podLabelsHint(ns), true);
    return;
  }
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  ports.forEach((p, i) => {
    if (!isObj(p) || typeof p.targetPort !== 'string' || /^[0-9]+$/.test(p.targetPort)) return;
    const name = p.targetPort;
    const missing = selected.filter((t) => !containersOf(t, ['containers']).some((c) => portNames(c.container).has(name)));
    if (missing.length) {
      const all = missing.length === selected.length;
      u.report(
        r,
        'service-target-port',
        ['spec', 'ports', i, 'targetPort'],
        `targetPort "${name}" is not a container port name of ${missing.map((t) => t.label).join(', ')}${all ? '' : ' (selected by this Service)'}; those pods get no endpoint for this port`,
        `name the container port "${name}" (ports: - name: ${name}, containerPort: ...) or use the port number`,
      );
    }
  });
}

function probes(u: Unit, t: PodTemplate): void {
  for (const c of containersOf(t, ['containers', 'initContainers'])) {
    const names = portNames(c.container);
    const handlers: Array<[PathSeg[], unknown]> = [];
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      handlers.push([[probe, 'httpGet', 'port'], get(c.container, probe, 'httpGet', 'port')]);
      handlers.push([[probe, 'tcpSocket', 'port'], get(c.container, probe, 'tcpSocket', 'port')]);
    }
    for (const hook of ['postStart', 'preStop']) {
      handlers.push([['lifecycle', hook, 'httpGet', 'port'], get(c.container, 'lifecycle', hook, 'httpGet', 'port')]);
      handlers.push([['lifecycle', hook, 'tcpSocket', 'port'], get(c.container, 'lifecycle', hook, 'tcpSocket', 'port')]);
    }
    for (const [rel, port] of handlers) {
      if (typeof port !== 'string' || /^[0-9]+$/.test(port) || names.has(port)) continue;
      u.report(
        t.res,
        'probe-port-exists',
        [...c.path, ...rel],
        `port "${port}" is not a port name of container "${c.name}"${names.size ? ` (it declares ${[...names].join(', ')})` : ' (it declares no named ports)'}`,
        `add ports: - name: ${port} to the container, or use the port number`,
      );
    }
  }
}

/** A Service of the unit and whether it has the port (by number or by name). */
function checkServiceRef(
  u: Unit,
  r: Resource,
  rule: string,
  name: unknown,
  namePath: PathSeg[],
  port: { number?: unknown; name?: unknown; path: PathSeg[] },
  what: string,
): void {
  if (typeof name !== 'string') return;
  const svc = u.find('v1', 'Service', name, namespaceOf(r));
  if (!svc) {
    u.report(r, rule, namePath, `${what} Service "${name}" is not defined in this unit`, 'add the Service to the example, or fix the name', true);
    return;
  }
  const ports = get(svc.obj, 'spec', 'ports');
  const list = Array.isArray(ports) ? ports.filter(isObj) : [];
  if (typeof port.number === 'number' && !list.some((p) => p.port === port.number)) {
    u.report(r, rule, port.path, `Service "${name}" has no port ${port.number} (it has ${list.map((p) => p.port).join(', ') || 'none'})`, 'use one of the Service ports (port, not targetPort)');
  }
  if (typeof port.name === 'string' && !list.some((p) => p.name === port.name)) {
    u.report(r, rule, port.path, `Service "${name}" has no port named "${port.name}" (it has ${list.map((p) => p.name ?? '(unnamed)').join(', ') || 'none'})`, 'use one of the Service port names');
  }
}

function ingress(u: Unit, r: Resource, env: UnitEnvironment): void {
  const spec = get(r.obj, 'spec');
  if (!isObj(spec)) return;
  const backend = (b: unknown, path: PathSeg[]) => {
    const svc = get(b, 'service');
    if (!isObj(svc)) return;
    const port = isObj(svc.port) ? svc.port : {};
    checkServiceRef(u, r, 'ingress-backend-exists', svc.name, [...path, 'service', 'name'], { number: port.number, name: port.name, path: [...path, 'service', 'port', port.name !== undefined ? 'name' : 'number'] }, 'backend');
  };
  if (spec.defaultBackend) backend(spec.defaultBackend, ['spec', 'defaultBackend']);
  const rules = Array.isArray(spec.rules) ? spec.rules : [];
  rules.forEach((rule, i) => {
    const paths = get(rule, 'http', 'paths');
    if (!Array.isArray(paths)) return;
    paths.forEach((p, j) => backend(get(p, 'backend'), ['spec', 'rules', i, 'http', 'paths', j, 'backend']));
  });
  classResolves(u, r, env, { rule: 'ingress-class-resolves', field: 'ingressClassName', group: 'networking.k8s.io', kind: 'IngressClass', requires: 'ingress', provided: env.ingressClasses });
}

function gateway(u: Unit, r: Resource, env: UnitEnvironment): void {
  classResolves(u, r, env, { rule: 'gateway-class-resolves', field: 'gatewayClassName', group: GATEWAY_GROUP, kind: 'GatewayClass', requires: 'gateway', provided: env.gatewayClasses });
}

/** The class an Ingress or a Gateway names in spec.<field> is defined in the unit or provided by the cluster (a closed-world finding). */
function classResolves(u: Unit, r: Resource, env: UnitEnvironment, c: { rule: string; field: string; group: string; kind: string; requires: string; provided: ReadonlySet<string> }): void {
  const cls = get(r.obj, 'spec', c.field);
  if (typeof cls !== 'string' || c.provided.has(cls) || u.find(c.group, c.kind, cls, '')) return;
  u.report(
    r,
    c.rule,
    ['spec', c.field],
    `${c.kind} "${cls}" is not defined in this unit and not provided by the cluster (${env.describe})`,
    c.provided.size ? `the cluster provides: ${[...c.provided].join(', ')}` : `examples get ${c.kind} "traefik" with requires: [${c.requires}] in example.yaml`,
    true,
  );
}

function route(u: Unit, r: Resource): void {
  const spec = get(r.obj, 'spec');
  if (!isObj(spec)) return;
  const ns = namespaceOf(r);
  const parents = Array.isArray(spec.parentRefs) ? spec.parentRefs : [];
  parents.forEach((p, i) => {
    if (!isObj(p) || typeof p.name !== 'string') return;
    const group = typeof p.group === 'string' ? p.group : GATEWAY_GROUP;
    const kind = typeof p.kind === 'string' ? p.kind : 'Gateway';
    const pns = typeof p.namespace === 'string' ? p.namespace : ns;
    const base: PathSeg[] = ['spec', 'parentRefs', i];
    if (group === GATEWAY_GROUP && kind === 'Gateway') {
      const gw = u.find(GATEWAY_GROUP, 'Gateway', p.name, pns);
      if (!gw) {
        u.report(r, 'route-parent-resolves', [...base, 'name'], `parent Gateway "${p.name}" is not defined in this unit`, 'add the Gateway, fix the name, or declare the Gateway external with the ignore annotation and a reason', true);
        return;
      }
      const listeners = (get(gw.obj, 'spec', 'listeners') as unknown[] | undefined) ?? [];
      const ls = Array.isArray(listeners) ? listeners.filter(isObj) : [];
      if (typeof p.sectionName === 'string' && !ls.some((l) => l.name === p.sectionName)) {
        u.report(r, 'route-parent-resolves', [...base, 'sectionName'], `Gateway "${p.name}" has no listener named "${p.sectionName}" (it has ${ls.map((l) => l.name).join(', ') || 'none'})`);
      }
      if (typeof p.port === 'number' && !ls.some((l) => l.port === p.port)) {
        u.report(r, 'route-parent-resolves', [...base, 'port'], `Gateway "${p.name}" has no listener on port ${p.port} (it has ${ls.map((l) => l.port).join(', ') || 'none'})`);
      }
    } else if (group === '' && kind === 'Service') {
      if (!u.find('v1', 'Service', p.name, pns)) {
        u.report(r, 'route-parent-resolves', [...base, 'name'], `parent Service "${p.name}" is not defined in this unit`, undefined, true);
      }
    }
  });
  const rules = Array.isArray(spec.rules) ? spec.rules : [];
  rules.forEach((rule, i) => {
    const refs: Array<[unknown, PathSeg[]]> = [];
    const brs = get(rule, 'backendRefs');
    if (Array.isArray(brs)) brs.forEach((b, j) => refs.push([b, ['spec', 'rules', i, 'backendRefs', j]]));
    const filters = get(rule, 'filters');
    if (Array.isArray(filters)) {
      filters.forEach((f, j) => {
        const m = get(f, 'requestMirror', 'backendRef');
        if (m) refs.push([m, ['spec', 'rules', i, 'filters', j, 'requestMirror', 'backendRef']]);
      });
    }
    for (const [b, path] of refs) {
      if (!isObj(b)) continue;
      const group = typeof b.group === 'string' ? b.group : '';
      const kind = typeof b.kind === 'string' ? b.kind : 'Service';
      if (group !== '' || kind !== 'Service') continue;
      const bns = typeof b.namespace === 'string' ? b.namespace : ns;
      if (bns !== ns && ns !== '') continue; // cross-namespace: needs a ReferenceGrant, not checkable here
      checkServiceRef(u, r, 'route-backend-exists', b.name, [...path, 'name'], { number: b.port, path: [...path, 'port'] }, 'backend');
    }
  });
}

function networkPolicy(u: Unit, r: Resource): void {
  const sel = get(r.obj, 'spec', 'podSelector');
  const selector = isObj(sel) ? sel : {};
  const ns = namespaceOf(r);
  if (u.select(selector, ns).length === 0) {
    const empty = Object.keys(selector).length === 0;
    u.report(
      r,
      'networkpolicy-selects-pods',
      isObj(sel) ? ['spec', 'podSelector'] : ['spec'],
      empty ? 'podSelector selects every pod, but this unit has no pods' : `podSelector ${formatLabels(isObj(selector.matchLabels) ? selector.matchLabels : {})}${Array.isArray(selector.matchExpressions) ? ' (with matchExpressions)' : ''} selects no pod of this unit; the policy would have no effect`,
      u.podLabelsHint(ns),
      true,
    );
  }
}
