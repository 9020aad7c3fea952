/**
 * Removed and deprecated apiVersions, with their replacements, from the
 * Kubernetes deprecation guide (kubernetes.io/docs/reference/using-api/deprecation-guide/)
 * up to the pinned release. A removed apiVersion is an error (the API server
 * answers "no matches for kind"); a deprecated one still served is a warning.
 */
import { KUBERNETES_VERSION } from './versions.ts';

export interface ApiChange {
  /** The apiVersion the manifest uses. */
  apiVersion: string;
  /** Kinds it applies to; undefined means every kind of that apiVersion. */
  kinds?: string[];
  /** Release that removed it (removed) or deprecated it (still served). */
  release: string;
  removed: boolean;
  /** What to use instead: an apiVersion, or a sentence when there is no drop-in replacement. */
  replacement: string;
  /** Changes needed beyond the apiVersion line. */
  notes?: string;
}

/**
 * The changes, one per line: `removed <release>` or `deprecated <release>`
 * (still served), the apiVersion, its kinds (`*`: every kind of it), the
 * replacement, and notes when more than the apiVersion line must change.
 */
const TABLE = `
# v1.16
removed v1.16 | extensions/v1beta1 | Deployment DaemonSet ReplicaSet | apps/v1 | spec.selector is required and must match the template labels
removed v1.16 | apps/v1beta1 | Deployment DaemonSet ReplicaSet StatefulSet ControllerRevision | apps/v1 | spec.selector is required and must match the template labels
removed v1.16 | apps/v1beta2 | Deployment DaemonSet ReplicaSet StatefulSet ControllerRevision | apps/v1 | spec.selector is required and must match the template labels
removed v1.16 | extensions/v1beta1 | NetworkPolicy | networking.k8s.io/v1
removed v1.16 | extensions/v1beta1 | PodSecurityPolicy | nothing: PodSecurityPolicy was removed in v1.25; use Pod Security Admission (namespace labels pod-security.kubernetes.io/enforce)
# v1.22
removed v1.22 | extensions/v1beta1 | Ingress | networking.k8s.io/v1 | spec.backend becomes spec.defaultBackend, serviceName/servicePort become service.name and service.port.number/name, and pathType is required
removed v1.22 | networking.k8s.io/v1beta1 | Ingress | networking.k8s.io/v1 | spec.backend becomes spec.defaultBackend, serviceName/servicePort become service.name and service.port.number/name, and pathType is required
removed v1.22 | networking.k8s.io/v1beta1 | IngressClass | networking.k8s.io/v1
removed v1.22 | admissionregistration.k8s.io/v1beta1 | MutatingWebhookConfiguration ValidatingWebhookConfiguration | admissionregistration.k8s.io/v1
removed v1.22 | apiextensions.k8s.io/v1beta1 | * | apiextensions.k8s.io/v1 | a structural schema per version is required
removed v1.22 | apiregistration.k8s.io/v1beta1 | * | apiregistration.k8s.io/v1
removed v1.22 | authentication.k8s.io/v1beta1 | * | authentication.k8s.io/v1
removed v1.22 | authorization.k8s.io/v1beta1 | * | authorization.k8s.io/v1
removed v1.22 | certificates.k8s.io/v1beta1 | CertificateSigningRequest | certificates.k8s.io/v1
removed v1.22 | coordination.k8s.io/v1beta1 | Lease | coordination.k8s.io/v1
removed v1.22 | rbac.authorization.k8s.io/v1beta1 | * | rbac.authorization.k8s.io/v1
removed v1.22 | rbac.authorization.k8s.io/v1alpha1 | * | rbac.authorization.k8s.io/v1
removed v1.22 | scheduling.k8s.io/v1beta1 | PriorityClass | scheduling.k8s.io/v1
removed v1.22 | scheduling.k8s.io/v1alpha1 | PriorityClass | scheduling.k8s.io/v1
removed v1.22 | storage.k8s.io/v1beta1 | CSIDriver CSINode StorageClass VolumeAttachment | storage.k8s.io/v1
# v1.25
removed v1.25 | batch/v1beta1 | CronJob | batch/v1
removed v1.21 | batch/v2alpha1 | CronJob | batch/v1
removed v1.25 | discovery.k8s.io/v1beta1 | EndpointSlice | discovery.k8s.io/v1 | topology["kubernetes.io/hostname"] becomes nodeName
removed v1.25 | events.k8s.io/v1beta1 | Event | events.k8s.io/v1
removed v1.25 | autoscaling/v2beta1 | HorizontalPodAutoscaler | autoscaling/v2
removed v1.25 | policy/v1beta1 | PodDisruptionBudget | policy/v1 | an empty selector now selects every pod in the namespace
removed v1.25 | policy/v1beta1 | PodSecurityPolicy | nothing: use Pod Security Admission (namespace labels pod-security.kubernetes.io/enforce)
removed v1.25 | node.k8s.io/v1beta1 | RuntimeClass | node.k8s.io/v1
# v1.26, v1.27, v1.29, v1.32
removed v1.26 | flowcontrol.apiserver.k8s.io/v1beta1 | * | flowcontrol.apiserver.k8s.io/v1
removed v1.26 | autoscaling/v2beta2 | HorizontalPodAutoscaler | autoscaling/v2
removed v1.27 | storage.k8s.io/v1beta1 | CSIStorageCapacity | storage.k8s.io/v1
removed v1.29 | flowcontrol.apiserver.k8s.io/v1beta2 | * | flowcontrol.apiserver.k8s.io/v1
removed v1.32 | flowcontrol.apiserver.k8s.io/v1beta3 | * | flowcontrol.apiserver.k8s.io/v1
removed v1.29 | networking.k8s.io/v1alpha1 | ClusterCIDR | nothing: ClusterCIDR was dropped
# Deprecated, still served in the pinned release.
deprecated v1.33 | v1 | Endpoints | discovery.k8s.io/v1 EndpointSlice | an EndpointSlice needs the label kubernetes.io/service-name
deprecated v1.19 | v1 | ComponentStatus | the API server's /livez and /readyz endpoints
`;

/** The rows of TABLE, checked once when the module loads. */
function parseTable(text: string): ApiChange[] {
  const out: ApiChange[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [when, apiVersion, kinds, replacement, notes] = line.split(' | ');
    const m = /^(removed|deprecated) (v\d+\.\d+)$/.exec(when ?? '');
    if (!m || !apiVersion || !kinds || !replacement) throw new Error(`deprecated-apis.ts: bad row: ${line}`);
    out.push({ apiVersion, ...(kinds === '*' ? {} : { kinds: kinds.split(' ') }), release: m[2]!, removed: m[1] === 'removed', replacement, ...(notes ? { notes } : {}) });
  }
  return out;
}

export const API_CHANGES: readonly ApiChange[] = parseTable(TABLE);

export function findApiChange(apiVersion: string, kind: string): ApiChange | undefined {
  return API_CHANGES.find((c) => c.apiVersion === apiVersion && (!c.kinds || c.kinds.includes(kind)));
}

export function describeApiChange(c: ApiChange, kind: string): { message: string; hint: string } {
  const replacementIsVersion = /^[a-z0-9.-]+\/v[0-9a-z]+$|^v1$/.test(c.replacement.split(' ')[0]!) && !c.replacement.startsWith('nothing');
  const message = c.removed
    ? `${c.apiVersion} ${kind} was removed in Kubernetes ${c.release}; ${KUBERNETES_VERSION} does not serve it` + (replacementIsVersion ? ` (use ${c.replacement})` : '')
    : `${c.apiVersion} ${kind} is deprecated since Kubernetes ${c.release}` + (replacementIsVersion ? ` (use ${c.replacement})` : '');
  const hint = replacementIsVersion
    ? `change apiVersion to ${c.replacement.split(' ')[0]}${c.replacement.includes(' ') ? ` and kind to ${c.replacement.split(' ')[1]}` : ''}${c.notes ? `; ${c.notes}` : ''}`
    : `${c.replacement}${c.notes ? `; ${c.notes}` : ''}`;
  return { message, hint };
}
