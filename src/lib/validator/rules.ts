/**
 * Every rule the offline validator reports, with its id (stable: fixtures,
 * silencing annotations and VALIDATOR.md use it), default severity, what it
 * catches and whether an example may silence it.
 *
 * test/validator/rules.test.ts checks that VALIDATOR.md documents each one.
 */
import type { Severity } from '../problems.ts';

export type RuleGroup = 'input' | 'yaml' | 'schema' | 'api' | 'names' | 'cross-resource' | 'pod-security' | 'example' | 'silencing';

export interface Rule {
  id: string;
  group: RuleGroup;
  severity: Severity;
  /** What it catches, one sentence (VALIDATOR.md shows it). */
  summary: string;
  /** True when a resource may silence it with the ignore annotation and a reason. */
  silenceable: boolean;
}

const r = (id: string, group: RuleGroup, severity: Severity, silenceable: boolean, summary: string): Rule => ({ id, group, severity, silenceable, summary });

export const RULES: readonly Rule[] = [
  // input
  r('yaml-parse', 'yaml', 'error', false, 'The file is not valid YAML (YAML 1.1, as Kubernetes reads it).'),
  r('yaml-duplicate-key', 'yaml', 'error', false, 'A mapping has the same key twice; Kubernetes would silently keep only the last.'),
  r('manifest-not-object', 'input', 'error', false, 'A YAML document is not a mapping (a Kubernetes object).'),
  r('manifest-empty', 'input', 'error', false, 'A manifest file holds no Kubernetes object.'),
  r('resource-identity', 'input', 'error', false, 'apiVersion or kind is missing or not a string.'),
  // schema
  r('unknown-kind', 'schema', 'error', false, 'No schema for this apiVersion and kind in the pinned Kubernetes or Gateway API release.'),
  r('schema-unknown-field', 'schema', 'error', false, 'A field the schema does not define (the API server rejects it with strict field validation, or drops it).'),
  r('schema-type', 'schema', 'error', false, 'A value has the wrong type (string where a number is expected, a YAML 1.1 boolean such as `on` where a string is expected, ...).'),
  r('schema-required', 'schema', 'error', false, 'A required field is missing.'),
  r('schema-enum', 'schema', 'error', false, 'A value is not one of the values the field allows.'),
  r('schema-format', 'schema', 'error', false, 'A value does not have the field\'s format: int32 range, base64 bytes, quantity, IP address.'),
  r('schema-constraint', 'schema', 'error', false, 'A value breaks a schema constraint: pattern, length, minimum/maximum, item count, oneOf/anyOf.'),
  r('schema-duplicate-entry', 'schema', 'error', false, 'Two entries of a keyed list (containers by name, Service ports by port and protocol, ...) share a key.'),
  // api versions
  r('removed-api', 'api', 'error', false, 'The apiVersion was removed from Kubernetes (or is not served); the message names the replacement.'),
  r('deprecated-api', 'api', 'warning', true, 'The apiVersion is deprecated in the pinned release; the message names the replacement.'),
  r('alpha-api', 'api', 'warning', true, 'The apiVersion is an alpha API, off unless the cluster enables it.'),
  r('gateway-experimental-channel', 'api', 'warning', true, 'A Gateway API object is valid only with the experimental channel\'s CRDs (a kind such as TCPRoute, or a field such as a Gateway\'s spec.tls); a cluster with the standard CRDs rejects it.'),
  // names and values the API server checks beyond OpenAPI
  r('metadata-name', 'names', 'error', false, 'metadata.name is missing or not a valid name for the kind (DNS-1123 subdomain or label, DNS-1035 label for Services).'),
  r('label-syntax', 'names', 'error', false, 'A label key or value (in metadata.labels or a selector) breaks the label syntax.'),
  r('annotation-syntax', 'names', 'error', false, 'An annotation key breaks the qualified-name syntax.'),
  r('port-range', 'names', 'error', false, 'A port number is outside 1-65535 (0-65535 for hostPort; NodePort 30000-32767 only warned).'),
  r('port-name', 'names', 'error', false, 'A port name is not an IANA service name (at most 15 characters, lowercase letters, digits and dashes, one letter at least).'),
  r('dns-label', 'names', 'error', false, 'A container, volume or Service port name is not a DNS-1123 label.'),
  r('selector-syntax', 'names', 'error', false, 'A label selector expression is malformed (operator and values do not fit).'),
  r('metadata-namespace', 'example', 'error', true, 'An example manifest sets metadata.namespace other than an extra namespace example.yaml declares; examples are applied into a namespace of the runner\'s choosing.'),
  // cross-resource
  r('duplicate-resource', 'cross-resource', 'error', false, 'Two resources of the same kind share a name in one unit.'),
  r('service-selector-matches', 'cross-resource', 'error', true, 'A Service selector matches no pod template of the unit.'),
  r('service-target-port', 'cross-resource', 'error', true, 'A Service\'s named targetPort is not a container port name on every pod it selects.'),
  r('workload-selector-matches-template', 'cross-resource', 'error', false, 'A Deployment/ReplicaSet/StatefulSet/DaemonSet/Job selector does not match its own template labels.'),
  r('probe-port-exists', 'cross-resource', 'error', true, 'A probe (or lifecycle handler) uses a port name the container does not declare.'),
  r('ingress-backend-exists', 'cross-resource', 'error', true, 'An Ingress backend Service, or its port, is not in the unit.'),
  r('ingress-class-resolves', 'cross-resource', 'error', true, 'An Ingress ingressClassName is neither an IngressClass of the unit nor one the cluster provides.'),
  r('route-backend-exists', 'cross-resource', 'error', true, 'An HTTPRoute/GRPCRoute backendRef Service, or its port, is not in the unit.'),
  r('route-parent-resolves', 'cross-resource', 'error', true, 'A route parentRef names no Gateway of the unit, or no listener with that sectionName/port.'),
  r('gateway-class-resolves', 'cross-resource', 'error', true, 'A Gateway gatewayClassName is neither a GatewayClass of the unit nor one the cluster provides.'),
  r('networkpolicy-selects-pods', 'cross-resource', 'error', true, 'A NetworkPolicy podSelector selects no pod of the unit.'),
  r('example-check-target', 'example', 'error', false, 'An example check runs `from` a pod or workload the example does not define.'),
  r('reachability-predict', 'example', 'error', false, 'An example\'s reachability matrix cannot be predicted from its manifests (an ipBlock that splits an address class, an unknown pod), or a mutation with breaks: [] flips no predicted cell.'),
  r('example-image', 'example', 'error', true, 'An example container uses an image other than the pinned agnhost image (the offline cluster has no other).'),
  // pod security
  r('pod-security-restricted', 'pod-security', 'error', true, 'A pod does not meet the Pod Security "restricted" profile (error in examples, warning elsewhere).'),
  r('pod-security-baseline', 'pod-security', 'error', true, 'A pod does not meet the Pod Security "baseline" profile of an example that declares podSecurity: baseline.'),
  // silencing
  r('silence-without-reason', 'silencing', 'error', false, 'An ignore annotation has an empty reason.'),
  r('silence-unknown-rule', 'silencing', 'error', false, 'An ignore annotation names a rule that does not exist or cannot be silenced.'),
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((x) => [x.id, x]));

export function rule(id: string): Rule {
  const x = RULES_BY_ID.get(id);
  if (!x) throw new Error(`unknown rule ${id}`);
  return x;
}

/** Annotation prefix for silencing: `validate.k8s-networking-proven.dev/ignore-<rule>: "<reason>"`. */
export const SILENCE_PREFIX = 'validate.k8s-networking-proven.dev/ignore-';
