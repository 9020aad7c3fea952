/**
 * A realistic benchmark corpus: folders ("teams") of multi-document files
 * ("apps"), each app a Deployment or StatefulSet with its Service,
 * ConfigMap, Secret, ServiceAccount, NetworkPolicy, HorizontalPodAutoscaler,
 * PodDisruptionBudget, Ingress and HTTPRoute; each team folder has the
 * IngressClass, GatewayClass and Gateway its apps use. Every resource is
 * valid, for this validator and for kubeconform, so both do the full work.
 */

export interface CorpusFile {
  /** Path relative to the corpus root: `team-007/app-0123.yaml`. */
  path: string;
  text: string;
  resources: number;
}

/** Resources per app file. */
export const RESOURCES_PER_APP = 10;
const APPS_PER_TEAM = 50;

function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

const TIERS = ['frontend', 'backend', 'api', 'worker', 'cache'];

function app(team: number, i: number, r: (n: number) => number): string {
  const name = `app-${String(i).padStart(5, '0')}`;
  const tier = TIERS[r(TIERS.length)]!;
  const port = 8000 + r(1000);
  const stateful = r(10) === 0;
  const replicas = 1 + r(5);
  const labels = `app.kubernetes.io/name: ${name}\n    app.kubernetes.io/part-of: team-${team}\n    tier: ${tier}`;
  const podLabels = `app.kubernetes.io/name: ${name}\n        tier: ${tier}`;
  /** apiVersion, kind and metadata (name and the app's labels) of one of the app's objects. */
  const head = (apiVersion: string, kind: string, objName: string) => `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${objName}\n  labels:\n    ${labels}\n`;
  const workload = `apiVersion: apps/v1
kind: ${stateful ? 'StatefulSet' : 'Deployment'}
metadata:
  name: ${name}
  labels:
    ${labels}
  annotations:
    team.example.com/owner: "team-${team}@example.com"
spec:
  replicas: ${replicas}
${stateful ? `  serviceName: ${name}\n` : `  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 25%\n      maxUnavailable: 0\n`}  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        ${podLabels}
    spec:
      serviceAccountName: ${name}
      securityContext:
        runAsNonRoot: true
        runAsUser: 65534
        fsGroup: 65534
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: server
          image: registry.example.com/${tier}/${name}:1.${r(30)}.${r(10)}
          imagePullPolicy: IfNotPresent
          args: ["serve", "--port=${port}", "--log-level=info"]
          ports:
            - name: http
              containerPort: ${port}
              protocol: TCP
            - name: metrics
              containerPort: 9090
          env:
            - name: APP_NAME
              value: ${name}
            - name: POD_IP
              valueFrom:
                fieldRef:
                  fieldPath: status.podIP
            - name: LOG_FORMAT
              valueFrom:
                configMapKeyRef:
                  name: ${name}-config
                  key: log.format
          resources:
            requests:
              cpu: ${50 + r(200)}m
              memory: ${64 + r(192)}Mi
            limits:
              memory: 512Mi
          readinessProbe:
            httpGet:
              path: /readyz
              port: http
            periodSeconds: 5
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
            initialDelaySeconds: 10
          volumeMounts:
            - name: config
              mountPath: /etc/${name}
              readOnly: true
            - name: tmp
              mountPath: /tmp
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
      volumes:
        - name: config
          configMap:
            name: ${name}-config
        - name: tmp
          emptyDir: {}
`;
  const service = `${head('v1', 'Service', name)}spec:
  type: ClusterIP
  selector:
    app.kubernetes.io/name: ${name}
  ports:
    - name: http
      port: 80
      targetPort: http
    - name: metrics
      port: 9090
      targetPort: metrics
`;
  const config = `${head('v1', 'ConfigMap', `${name}-config`)}data:
  log.format: json
  app.yaml: |
    server:
      port: ${port}
      timeout: ${5 + r(55)}s
    features:
      cache: ${r(2) ? 'true' : 'false'}
  motd: >-
    Welcome to ${name},
    served by team ${team}.
`;
  const secret = `${head('v1', 'Secret', `${name}-credentials`)}type: Opaque
stringData:
  username: ${name}
data:
  token: ${Buffer.from(`token-${team}-${i}`).toString('base64')}
`;
  const sa = `${head('v1', 'ServiceAccount', name)}automountServiceAccountToken: false
`;
  const netpol = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  policyTypes: [Ingress]
  ingress:
    - from:
        - podSelector:
            matchLabels:
              tier: frontend
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: ingress
      ports:
        - protocol: TCP
          port: http
`;
  const hpa = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${name}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: ${stateful ? 'StatefulSet' : 'Deployment'}
    name: ${name}
  minReplicas: ${replicas}
  maxReplicas: ${replicas + 5}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: ${50 + r(40)}
`;
  const pdb = `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${name}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
`;
  const ingress = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  annotations:
    example.com/rewrite: "false"
spec:
  ingressClassName: team-${team}
  rules:
    - host: ${name}.team-${team}.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: ${name}
                port:
                  name: http
          - path: /metrics
            pathType: Exact
            backend:
              service:
                name: ${name}
                port:
                  number: 9090
`;
  const route = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: ${name}
spec:
  parentRefs:
    - name: team-${team}
      sectionName: http
  hostnames: ["${name}.team-${team}.example.net"]
  rules:
    - matches:
        - path:
            type: PathPrefix
            value: /api
          headers:
            - name: x-canary
              value: "true"
      backendRefs:
        - name: ${name}
          port: 80
          weight: ${1 + r(100)}
`;
  return [workload, service, config, secret, sa, netpol, hpa, pdb, ingress, route].join('---\n');
}

/** An IngressClass or a GatewayClass: the class named after the team, and its controller. */
function teamClass(team: number, apiVersion: string, kind: string, controllerField: string, controller: string): string {
  return `apiVersion: ${apiVersion}
kind: ${kind}
metadata:
  name: team-${team}
spec:
  ${controllerField}: ${controller}
`;
}

function teamShared(team: number): string {
  return `# Shared by the apps of team-${team}
${teamClass(team, 'networking.k8s.io/v1', 'IngressClass', 'controller', 'example.com/ingress-controller')}---
${teamClass(team, 'gateway.networking.k8s.io/v1', 'GatewayClass', 'controllerName', 'example.com/gateway-controller')}---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: team-${team}
spec:
  gatewayClassName: team-${team}
  listeners:
    - name: http
      protocol: HTTP
      port: 80
      allowedRoutes:
        namespaces:
          from: Same
`;
}

/** Files of a corpus with at least `minResources` resources. */
export function* generateCorpus(minResources: number, seed = 42): Generator<CorpusFile> {
  const r = rng(seed);
  let total = 0;
  let i = 0;
  for (let team = 0; total < minResources; team++) {
    const dir = `team-${String(team).padStart(3, '0')}`;
    yield { path: `${dir}/shared.yaml`, text: teamShared(team), resources: 3 };
    total += 3;
    for (let k = 0; k < APPS_PER_TEAM && total < minResources; k++, i++) {
      yield { path: `${dir}/app-${String(i).padStart(5, '0')}.yaml`, text: app(team, i, r), resources: RESOURCES_PER_APP };
      total += RESOURCES_PER_APP;
    }
  }
}

/**
 * One large multi-document file of at least `minBytes`: the corpus's files,
 * teams' shared objects included, joined with `---`. Names carry the team
 * and app, so the whole file is still valid as one unit. It measures what a
 * single big file costs (memory above all).
 */
export function generateLargeFile(minBytes: number, seed = 42): { text: string; resources: number } {
  const parts: string[] = [];
  let bytes = 0;
  let resources = 0;
  for (const f of generateCorpus(Number.MAX_SAFE_INTEGER, seed)) {
    parts.push(f.text.endsWith('\n') ? f.text : `${f.text}\n`);
    bytes += f.text.length + 4;
    resources += f.resources;
    if (bytes >= minBytes) break;
  }
  return { text: parts.join('---\n'), resources };
}
