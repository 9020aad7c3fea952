/**
 * The example templates of `npm run new:example`: a complete folder that
 * loads with loadExample and follows examples/README.md (agnhost at the pinned tag,
 * Pod Security "restricted", readiness probes, checks; a NetworkPolicy
 * example adds a default-deny policy, an allowed client and a check that
 * must be blocked).
 */
import path from 'node:path';
import { stringify } from 'yaml';
// The one image examples use (see examples/README.md), at AGNHOST_VERSION of the pin file.
import { AGNHOST_IMAGE } from '../pins.ts';
import type { ExampleKind } from './validate.ts';

export interface ExampleInput {
  title: string;
  summary: string;
  kind: ExampleKind;
}

export function exampleDirPath(examplesRoot: string, topic: string, slug: string): string {
  return path.join(examplesRoot, topic, slug);
}

function scalar(v: string): string {
  return stringify(v, { lineWidth: 0 }).trimEnd();
}

const POD_SECURITY = `  securityContext:
    runAsNonRoot: true
    runAsUser: 65534
    seccompProfile:
      type: RuntimeDefault`;

const CONTAINER_SECURITY = `      securityContext:
        allowPrivilegeEscalation: false
        capabilities:
          drop: ["ALL"]`;

/** A client pod: agnhost pause, so checks can exec curl, nslookup and agnhost connect in it. */
function clientPod(name: string, comment: string): string {
  return `# ${comment}
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels:
    app: ${name}
spec:
${POD_SECURITY}
  containers:
    - name: ${name}
      image: ${AGNHOST_IMAGE}
      args: ["pause"]
${CONTAINER_SECURITY}
`;
}

const DEPLOYMENT = `# The server: two agnhost netexec replicas (serves /hostname, /clientip, /echo on 8080).
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 65534
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: netexec
          image: ${AGNHOST_IMAGE}
          args: ["netexec", "--http-port=8080"]
          ports:
            - name: http
              containerPort: 8080
          readinessProbe:
            httpGet:
              path: /readyz
              port: http
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop: ["ALL"]
`;

const SERVICE = `# A ClusterIP Service in front of the web pods.
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: ClusterIP
  selector:
    app: web
  ports:
    - name: http
      port: 8080
      targetPort: http
`;

const DEFAULT_DENY = `# Default deny: selects every pod of the namespace and allows no ingress.
# Egress stays open, so DNS lookups keep working.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-ingress
spec:
  podSelector: {}
  policyTypes: ["Ingress"]
`;

const ALLOW_CLIENT = `# Lets pods labelled app=client reach the web pods on TCP 8080, and nothing else.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-allow-client
spec:
  podSelector:
    matchLabels:
      app: web
  policyTypes: ["Ingress"]
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app: client
      ports:
        - protocol: TCP
          port: 8080
`;

/** The checks each kind starts with, as example.yaml lines. */
const CHECKS: Record<ExampleKind, string[]> = {
  'server-client': [
    '  - name: the client reaches the Service by its short name',
    '    from: client',
    '    http: { url: "http://web:8080/hostname", expect: { status: 200, bodyContains: web- } }',
    '  - name: the Service name resolves to its ClusterIP',
    '    from: client',
    '    dns: { name: web.$NAMESPACE.svc.cluster.local, expect: resolves }',
    '  - name: the Service has endpoints for the ready pods',
    '    kubectl: { args: [get, endpointslices, -l, kubernetes.io/service-name=web], expect: { outputContains: ["8080"] } }',
  ],
  networkpolicy: [
    '  - name: the allowed client reaches the Service',
    '    from: client',
    '    http: { url: "http://web:8080/hostname", expect: { status: 200, bodyContains: web- } }',
    '  - name: a pod the policy does not allow cannot connect (must be blocked)',
    '    from: stranger',
    '    tcp: { host: web, port: 8080, expect: blocked }',
    '  - name: DNS still works for the blocked pod, since only ingress is denied',
    '    from: stranger',
    '    dns: { name: web.$NAMESPACE.svc.cluster.local, expect: resolves }',
  ],
};

/** The manifests after the Deployment and Service, in apply order, for each kind. */
function kindFiles(kind: ExampleKind): Record<string, string> {
  if (kind === 'networkpolicy') {
    return {
      'default-deny.yaml': DEFAULT_DENY,
      'allow-client.yaml': ALLOW_CLIENT,
      'client.yaml': clientPod('client', 'The allowed client: its label app=client matches web-allow-client.'),
      'stranger.yaml': clientPod('stranger', 'A pod no policy allows: its connections to web must be blocked.'),
    };
  }
  return { 'client.yaml': clientPod('client', 'A client pod to run the checks from.') };
}

/** File name -> content of a new example folder, example.yaml included. */
export function renderExample(input: ExampleInput): Record<string, string> {
  const manifests = { 'deployment.yaml': DEPLOYMENT, 'service.yaml': SERVICE, ...kindFiles(input.kind) };
  const spec = [
    `title: ${scalar(input.title)}`,
    `summary: ${scalar(input.summary)}`,
    `manifests: [${Object.keys(manifests).join(', ')}]`,
    ...(input.kind === 'networkpolicy' ? ['requires: [networkpolicy]'] : []),
    'checks:',
    ...CHECKS[input.kind],
    '',
  ].join('\n');
  return { 'example.yaml': spec, ...manifests };
}
