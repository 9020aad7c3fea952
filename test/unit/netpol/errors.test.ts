/**
 * Inputs the evaluator refuses to predict, each with a located problem
 * (file:line:col, rule reachability-predict): a prediction that depends on
 * an address nobody declared, a declaration naming a pod that is not there,
 * and policy fields the API server would reject.
 */
import { describe, expect, it } from 'vitest';
import { predictReachability, sourceDocuments, type ReachabilityDecl } from '../../../src/lib/netpol/index.ts';
import { PLAN } from './world.ts';

const PODS = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: { app: web }
spec:
  containers: [{ name: c, image: x, ports: [{ name: http, containerPort: 8080 }] }]
---
apiVersion: v1
kind: Pod
metadata:
  name: client
  labels: { app: client }
spec:
  containers: [{ name: c, image: x }]
---
apiVersion: v1
kind: Pod
metadata:
  name: node-agent
spec:
  hostNetwork: true
  containers: [{ name: c, image: x }]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers: [{ name: c, image: x }]
`;

/** A policy whose first ingress rule has these peers (YAML flow text), after the pods. */
function withPeers(peers: string, extra = ''): string {
  return `${PODS}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: p
spec:
  podSelector: {}
  ingress:
    - from: ${peers}
${extra}`;
}

const DECL: ReachabilityDecl = { clients: ['client'], servers: ['web'], ports: [{ port: 8080, protocol: 'TCP' }] };

function problems(text: string, decl: ReachabilityDecl = DECL, specText?: string): string[] {
  const { documents, problems: yaml } = sourceDocuments('np.yaml', text);
  expect(yaml).toEqual([]);
  const lines = specText?.split('\n') ?? [];
  const r = predictReachability({
    documents,
    namespace: 'demo',
    namespaces: [],
    decl,
    plan: PLAN,
    // A stand-in for example.yaml positions: the line of the list item naming the pod.
    ...(specText ? { declSource: { file: 'example.yaml', locate: (path) => ({ line: lines.findIndex((l) => l.includes(String(decl[path[0] as 'clients'][path[1] as number]))) + 1, column: 5 }) } } : {}),
  });
  if (r.ok) return [];
  for (const p of r.problems) expect(p.rule).toBe('reachability-predict');
  return r.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message}`);
}

describe('ipBlock that splits an address class', () => {
  it('is an error at the ipBlock when it holds only part of POD_SUBNET', () => {
    expect(problems(withPeers('[{ ipBlock: { cidr: 10.244.1.0/24 } }]'))).toEqual([
      'np.yaml:43:25 NetworkPolicy p: ipBlock 10.244.1.0/24 contains only part of POD_SUBNET 10.244.0.0/16: whether a pod matches depends on the IP it happens to get',
    ]);
  });

  it('is an error when an except cuts into POD_SUBNET', () => {
    expect(problems(withPeers('[{ ipBlock: { cidr: 10.0.0.0/8, except: [10.244.3.0/24] } }]'))[0]).toMatch(/^np\.yaml:43:25 NetworkPolicy p: ipBlock 10\.0\.0\.0\/8 except 10\.244\.3\.0\/24 contains only part of POD_SUBNET/);
  });

  it('is an error for node addresses only when a host-network pod is probed', () => {
    const peers = '[{ ipBlock: { cidr: 172.18.0.0/16 } }]';
    expect(problems(withPeers(peers))).toEqual([]);
    expect(problems(withPeers(peers), { ...DECL, clients: ['client', 'node-agent'] })).toEqual([
      'np.yaml:43:25 NetworkPolicy p: ipBlock 172.18.0.0/16 contains only part of the node addresses (everything outside POD_SUBNET 10.244.0.0/16 and SERVICE_SUBNET 10.96.0.0/16): whether a host-network pod matches depends on its node\'s IP',
    ]);
  });
});

describe('the declaration', () => {
  const spec = 'reachability:\n  clients:\n    - client\n    - ghost\n    - api\n  servers: [web]\n';
  it('names an unknown pod at its line in example.yaml', () => {
    expect(problems(PODS, { ...DECL, clients: ['client', 'ghost'] }, spec)).toEqual(['example.yaml:4:5 clients: no Pod named ghost in namespace demo (Pods: web, client, node-agent)']);
  });

  it('refuses a workload: the runner probes bare Pods', () => {
    expect(problems(PODS, { ...DECL, clients: ['api'] }, spec)).toEqual(['example.yaml:5:5 clients: api is a Deployment; reachability names bare Pods (the runner probes one known pod)']);
  });

  it('refuses a namespace that is not declared', () => {
    expect(problems(PODS, { ...DECL, servers: ['elsewhere/web'] })).toEqual(['example.yaml:1:1 servers: elsewhere/web: namespace elsewhere is neither the example\'s namespace (demo) nor a declared one']);
  });

  it('refuses an object in an undeclared namespace, at its metadata.namespace', () => {
    const text = `${PODS}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: far\n  namespace: nowhere\nspec:\n  containers: [{ name: c, image: x }]\n`;
    expect(problems(text)).toEqual(['np.yaml:40:14 namespace "nowhere" is neither the example\'s namespace nor one of its declared namespaces (demo)']);
  });
});

describe('labels the prediction cannot know', () => {
  it('refuses a namespaceSelector on a label the runner sets (Pod Security level)', () => {
    expect(problems(withPeers("[{ namespaceSelector: { matchLabels: { 'pod-security.kubernetes.io/enforce': restricted } } }]"))).toEqual([
      'np.yaml:43:35 NetworkPolicy p: the namespaceSelector uses pod-security.kubernetes.io/enforce, a label the runner or the API server sets, which the prediction cannot know',
    ]);
  });

  it('accepts the automatic kubernetes.io/metadata.name label', () => {
    expect(problems(withPeers("[{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: Exists }] } }]"))).toEqual([]);
  });
});

describe('policy fields the API server rejects', () => {
  const cases: [string, string, string, RegExp][] = [
    ['an empty peer', '[{}]', '', /^np\.yaml:43:14 NetworkPolicy: spec\.ingress\.0\.from\.0: a peer needs podSelector, namespaceSelector or ipBlock/],
    ['ipBlock with a selector', '[{ ipBlock: { cidr: 10.0.0.0/8 }, podSelector: {} }]', '', /^np\.yaml:43:25 NetworkPolicy: spec\.ingress\.0\.from\.0\.ipBlock: ipBlock cannot be combined/],
    ['a CIDR that is not one', '[{ ipBlock: { cidr: 10.0.0.0 } }]', '', /^np\.yaml:43:33 ipBlock cidr "10\.0\.0\.0" is not a CIDR/],
    ['an except outside the cidr', '[{ ipBlock: { cidr: 10.0.0.0/8, except: [192.168.0.0/16] } }]', '', /^np\.yaml:43:54 ipBlock except 192\.168\.0\.0\/16 is not inside cidr 10\.0\.0\.0\/8/],
    ['In without values', '[{ podSelector: { matchExpressions: [{ key: app, operator: In }] } }]', '', /matchExpressions\.0\.values: operator In needs at least one value/],
    ['endPort with a named port', '[]', '      ports: [{ port: http, endPort: 9000 }]\n', /^np\.yaml:44:38 NetworkPolicy: spec\.ingress\.0\.ports\.0\.endPort: endPort needs a numeric port/],
    ['a port name that is no IANA service name', '[]', '      ports: [{ port: HTTP_1 }]\n', /spec\.ingress\.0\.ports\.0\.port: "HTTP_1" is neither a port number nor a valid port name/],
  ];
  it.each(cases)('%s', (_name, peers, extra, message) => {
    const got = problems(withPeers(peers, extra));
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(message);
  });
});
