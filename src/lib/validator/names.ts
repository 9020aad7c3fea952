/**
 * Rules the API server enforces that OpenAPI cannot express: DNS-1123 and
 * DNS-1035 names, label and annotation syntax, label selector expressions,
 * port ranges and port names (k8s.io/apimachinery/pkg/util/validation).
 *
 * `DEFINITION_CHECKS` hooks them onto schema definitions: the schema
 * validator calls the hook of a definition each time it validates a value of
 * that definition, so they run wherever the type appears (a Deployment's pod
 * template, a CronJob's, a Pod's).
 */
import { isObj, type PathSeg } from '../yaml/plain.ts';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const IANA_SVC_NAME = /^[-a-z0-9]+$/;

/** A rule of at most `max` characters matching `shape`: the checker says why a string breaks it, or undefined. */
function boundedPattern(max: number, shape: RegExp, what: string): (s: string) => string | undefined {
  return (s) => (s.length > max ? `must be at most ${max} characters` : shape.test(s) ? undefined : what);
}

/** Why `s` is not a DNS-1123 label, or undefined when it is one. */
export const dns1123Label = boundedPattern(63, DNS1123_LABEL, 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit');

export const dns1123Subdomain = boundedPattern(253, DNS1123_SUBDOMAIN, 'must be a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit');

export const dns1035Label = boundedPattern(63, DNS1035_LABEL, 'must be a DNS-1035 label: lowercase letters, digits and "-", starting with a letter and ending with a letter or digit');

/** RBAC and custom resources: any name usable as a URL path segment. */
export function pathSegmentName(s: string): string | undefined {
  if (s === '.' || s === '..') return `may not be "${s}"`;
  if (/[/%]/.test(s)) return 'may not contain "/" or "%"';
  return undefined;
}

/** Label or annotation key: `[prefix/]name`. */
export function qualifiedName(s: string): string | undefined {
  const parts = s.split('/');
  let name = s;
  if (parts.length > 2) return 'must be a qualified name: an optional DNS subdomain prefix and "/", then a name';
  if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) return 'the prefix before "/" must not be empty';
    const why = dns1123Subdomain(prefix);
    if (why) return `prefix "${prefix}" ${why}`;
  }
  if (name.length === 0) return 'the name part must not be empty';
  if (name.length > 63) return 'the name part must be at most 63 characters';
  if (!QUALIFIED_NAME.test(name)) return 'the name part must be alphanumeric characters, "-", "_" or ".", starting and ending with an alphanumeric character';
  return undefined;
}

export const labelValue = boundedPattern(63, LABEL_VALUE, 'must be empty or alphanumeric characters, "-", "_" or ".", starting and ending with an alphanumeric character');

/** IANA_SVC_NAME: container port names, named targetPorts and probe ports. */
export function ianaServiceName(s: string): string | undefined {
  if (s.length > 15) return 'must be at most 15 characters';
  if (!IANA_SVC_NAME.test(s)) return 'must contain only lowercase letters, digits and "-"';
  if (!/[a-z]/.test(s)) return 'must contain at least one letter';
  if (s.startsWith('-') || s.endsWith('-')) return 'must not start or end with "-"';
  if (s.includes('--')) return 'must not contain "--"';
  return undefined;
}

/** Which name rule metadata.name follows for a kind. */
export function metadataNameRule(apiVersion: string, kind: string): { check: (s: string) => string | undefined; what: string } {
  if (kind === 'Service' && apiVersion === 'v1') return { check: dns1035Label, what: 'DNS-1035 label' };
  if (kind === 'Namespace' && apiVersion === 'v1') return { check: dns1123Label, what: 'DNS-1123 label' };
  if (apiVersion.startsWith('rbac.authorization.k8s.io/')) {
    return { check: pathSegmentName, what: 'path segment name' };
  }
  return { check: dns1123Subdomain, what: 'DNS-1123 subdomain' };
}

// ---------------------------------------------------------------------------
// Definition hooks

export interface HookReport {
  (rel: PathSeg[], rule: string, message: string, opts?: { at?: 'key' | 'value'; hint?: string; severity?: 'error' | 'warning' }): void;
}

export type DefinitionCheck = (v: Record<string, unknown>, report: HookReport) => void;


function checkLabels(labels: unknown, base: PathSeg[], report: HookReport): void {
  if (!isObj(labels)) return;
  for (const [k, v] of Object.entries(labels)) {
    const whyKey = qualifiedName(k);
    if (whyKey) report([...base, k], 'label-syntax', `label key "${k}": ${whyKey}`, { at: 'key' });
    if (typeof v === 'string') {
      const why = labelValue(v);
      if (why) report([...base, k], 'label-syntax', `label value "${v}" of ${k}: ${why}`);
    }
  }
}

function checkPortNumber(v: unknown, rel: PathSeg[], what: string, report: HookReport, min = 1): void {
  if (typeof v === 'number' && Number.isInteger(v) && (v < min || v > 65535)) {
    report(rel, 'port-range', `${what} ${v} is outside ${min}-65535`);
  }
}

/** An int-or-string port: a number in range, or an IANA service name. */
function checkNamedOrNumberPort(v: unknown, rel: PathSeg[], what: string, report: HookReport): void {
  if (typeof v === 'number') checkPortNumber(v, rel, what, report);
  else if (typeof v === 'string') {
    if (/^[0-9]+$/.test(v)) {
      report(rel, 'port-name', `${what} "${v}" is a number in quotes; it would be read as a port name`, { hint: `write it without quotes: ${v}` });
      return;
    }
    const why = ianaServiceName(v);
    if (why) report(rel, 'port-name', `${what} name "${v}" ${why}`);
  }
}

function checkSelector(sel: Record<string, unknown>, report: HookReport): void {
  checkLabels(sel.matchLabels, ['matchLabels'], report);
  const exprs = sel.matchExpressions;
  if (!Array.isArray(exprs)) return;
  exprs.forEach((e, i) => {
    if (!isObj(e)) return;
    if (typeof e.key === 'string') {
      const why = qualifiedName(e.key);
      if (why) report(['matchExpressions', i, 'key'], 'label-syntax', `selector key "${e.key}": ${why}`);
    }
    const values = Array.isArray(e.values) ? e.values : [];
    const op = e.operator;
    if ((op === 'In' || op === 'NotIn') && values.length === 0) {
      report(['matchExpressions', i, 'operator'], 'selector-syntax', `operator ${op} needs at least one value`);
    }
    if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) {
      report(['matchExpressions', i, 'values'], 'selector-syntax', `operator ${op} takes no values`);
    }
    if (typeof op === 'string' && !['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(op)) {
      report(['matchExpressions', i, 'operator'], 'selector-syntax', `operator "${op}" is not one of In, NotIn, Exists, DoesNotExist`);
    }
    values.forEach((v, j) => {
      if (typeof v !== 'string') return;
      const why = labelValue(v);
      if (why) report(['matchExpressions', i, 'values', j], 'label-syntax', `selector value "${v}": ${why}`);
    });
  });
}

function checkContainer(c: Record<string, unknown>, report: HookReport): void {
  if (typeof c.name === 'string') {
    const why = dns1123Label(c.name);
    if (why) report(['name'], 'dns-label', `container name "${c.name}" ${why}`);
  }
}

const CORE = 'io.k8s.api.core.v1.';

export const DEFINITION_CHECKS: Record<string, DefinitionCheck> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': (m, report) => {
    checkLabels(m.labels, ['labels'], report);
    if (isObj(m.annotations)) {
      let size = 0;
      for (const [k, v] of Object.entries(m.annotations)) {
        const why = qualifiedName(k);
        if (why) report(['annotations', k], 'annotation-syntax', `annotation key "${k}": ${why}`, { at: 'key' });
        size += k.length + (typeof v === 'string' ? v.length : 0);
      }
      if (size > 256 * 1024) report(['annotations'], 'annotation-syntax', `annotations total ${size} bytes, more than 256 KiB`);
    }
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector': checkSelector,
  [`${CORE}Container`]: checkContainer,
  [`${CORE}EphemeralContainer`]: checkContainer,
  [`${CORE}Volume`]: (v, report) => {
    if (typeof v.name === 'string') {
      const why = dns1123Label(v.name);
      if (why) report(['name'], 'dns-label', `volume name "${v.name}" ${why}`);
    }
  },
  [`${CORE}ContainerPort`]: (p, report) => {
    checkPortNumber(p.containerPort, ['containerPort'], 'containerPort', report);
    if (p.hostPort !== undefined && p.hostPort !== 0) checkPortNumber(p.hostPort, ['hostPort'], 'hostPort', report);
    if (typeof p.name === 'string') {
      const why = ianaServiceName(p.name);
      if (why) report(['name'], 'port-name', `container port name "${p.name}" ${why}`);
    }
  },
  [`${CORE}ServicePort`]: (p, report) => {
    checkPortNumber(p.port, ['port'], 'port', report);
    if (p.targetPort !== undefined && p.targetPort !== 0) checkNamedOrNumberPort(p.targetPort, ['targetPort'], 'targetPort', report);
    if (typeof p.nodePort === 'number' && p.nodePort !== 0) {
      checkPortNumber(p.nodePort, ['nodePort'], 'nodePort', report);
      if (p.nodePort >= 1 && p.nodePort <= 65535 && (p.nodePort < 30000 || p.nodePort > 32767)) {
        report(['nodePort'], 'port-range', `nodePort ${p.nodePort} is outside the default NodePort range 30000-32767`, { severity: 'warning' });
      }
    }
    if (typeof p.name === 'string') {
      const why = dns1123Label(p.name);
      if (why) report(['name'], 'dns-label', `Service port name "${p.name}" ${why}`);
    }
  },
  [`${CORE}ServiceSpec`]: (spec, report) => {
    const ports = Array.isArray(spec.ports) ? spec.ports : [];
    const seen = new Map<string, number>();
    ports.forEach((p, i) => {
      if (!isObj(p)) return;
      if (ports.length > 1 && (p.name === undefined || p.name === '')) {
        report(['ports', i], 'port-name', 'a Service with more than one port needs a name on each port');
      }
      if (typeof p.name === 'string' && p.name) {
        if (seen.has(p.name)) report(['ports', i, 'name'], 'port-name', `port name "${p.name}" is used twice`);
        seen.set(p.name, i);
      }
    });
  },
  [`${CORE}HTTPGetAction`]: (a, report) => checkNamedOrNumberPort(a.port, ['port'], 'probe port', report),
  [`${CORE}TCPSocketAction`]: (a, report) => checkNamedOrNumberPort(a.port, ['port'], 'probe port', report),
  [`${CORE}GRPCAction`]: (a, report) => checkPortNumber(a.port, ['port'], 'gRPC probe port', report),
  'io.k8s.api.networking.v1.NetworkPolicyPort': (p, report) => {
    checkNamedOrNumberPort(p.port, ['port'], 'NetworkPolicy port', report);
    if (p.endPort !== undefined) {
      checkPortNumber(p.endPort, ['endPort'], 'endPort', report);
      if (typeof p.port !== 'number') report(['endPort'], 'port-range', 'endPort needs a numeric port');
      else if (typeof p.endPort === 'number' && p.endPort < p.port) report(['endPort'], 'port-range', `endPort ${p.endPort} is below port ${p.port}`);
    }
  },
  'io.k8s.api.networking.v1.ServiceBackendPort': (p, report) => {
    checkPortNumber(p.number, ['number'], 'Service port', report);
    if (typeof p.name === 'string') {
      const why = dns1123Label(p.name);
      if (why) report(['name'], 'dns-label', `Service port name "${p.name}" ${why}`);
    }
    if (p.name !== undefined && p.number !== undefined) report([], 'schema-constraint', 'set either port.name or port.number, not both');
  },
};
