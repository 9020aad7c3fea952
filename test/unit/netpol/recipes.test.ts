/**
 * Every recipe shape of the reference collection
 * (ahmetb/kubernetes-network-policy-recipes) and issue 12's extra ones,
 * each as a small world and its whole expected matrix: the allowed cells are
 * listed, every other cell must be blocked.
 */
import { describe, expect, it } from 'vitest';
import { allowed, cells, deployment, pod, policy, type World } from './world.ts';

const OTHER = 'demo-other';
const PROD = 'demo-prod';
const OPS = 'demo-ops';

interface Case {
  name: string;
  world: World;
  allowed: string[];
}

const web = pod('web', { app: 'web' });
const client = pod('client', { app: 'client' });
const stranger = pod('stranger', { app: 'stranger' });
const webAllowed = { clients: ['client', 'stranger'], servers: ['web'] };

const CASES: Case[] = [
  {
    name: '01 deny all traffic to an application',
    world: { docs: [web, pod('api', { app: 'api' }), client, policy('web-deny-all', { podSelector: { matchLabels: { app: 'web' } }, ingress: [] })], clients: ['client'], servers: ['web', 'api'] },
    allowed: cells('client>api'),
  },
  {
    name: '02 limit traffic to an application',
    world: {
      docs: [pod('api', { app: 'bookstore', role: 'api' }), pod('frontend', { app: 'bookstore', role: 'frontend' }), pod('coffee', { app: 'coffeeshop' }),
        policy('api-allow', { podSelector: { matchLabels: { app: 'bookstore', role: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'bookstore' } } }] }] })],
      clients: ['frontend', 'coffee'], servers: ['api'],
    },
    allowed: cells('frontend>api'),
  },
  {
    name: '02a allow all traffic to an application (ingress: [{}] beside a deny-all)',
    world: { docs: [web, client, stranger, policy('web-deny-all', { podSelector: { matchLabels: { app: 'web' } }, ingress: [] }), policy('web-allow-all', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{}] })], ...webAllowed },
    allowed: cells('client>web, stranger>web'),
  },
  {
    name: '03 deny all non-whitelisted traffic in the namespace',
    world: { docs: [web, client, pod('outside', { app: 'web' }, { ns: OTHER }), policy('default-deny-all', { podSelector: {} })], namespaces: [{ name: OTHER, labels: {} }], clients: ['client'], servers: ['web', `${OTHER}/outside`] },
    allowed: cells(`client>${OTHER}/outside`),
  },
  {
    name: '04 deny traffic from other namespaces',
    world: {
      docs: [web, client, pod('far', { app: 'client' }, { ns: OTHER }), policy('deny-from-other-namespaces', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })],
      namespaces: [{ name: OTHER, labels: {} }], clients: ['client', `${OTHER}/far`], servers: ['web'],
    },
    allowed: cells('client>web'),
  },
  {
    name: '05 allow traffic from all namespaces (but not from a host-network pod)',
    world: {
      docs: [web, client, pod('far', { app: 'x' }, { ns: OTHER }), pod('node-agent', { app: 'agent' }, { hostNetwork: true }), policy('web-deny-all', { podSelector: {}, ingress: [] }),
        policy('web-allow-all-namespaces', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: {} }] }] })],
      namespaces: [{ name: OTHER, labels: {} }], clients: ['client', `${OTHER}/far`, 'node-agent'], servers: ['web'],
    },
    allowed: cells(`client>web, ${OTHER}/far>web`),
  },
  {
    name: '06 allow traffic from a namespace (by label; the own namespace lacks it)',
    world: {
      docs: [web, client, pod('prod', { app: 'x' }, { ns: PROD }), pod('dev', { app: 'x' }, { ns: OTHER }),
        policy('web-allow-prod', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { purpose: 'production' } } }] }] })],
      namespaces: [{ name: PROD, labels: { purpose: 'production' } }, { name: OTHER, labels: { purpose: 'dev' } }], clients: ['client', `${PROD}/prod`, `${OTHER}/dev`], servers: ['web'],
    },
    allowed: cells(`${PROD}/prod>web`),
  },
  {
    name: '07 allow traffic from some pods in another namespace (namespaceSelector AND podSelector)',
    world: {
      docs: [web, client, pod('mon', { type: 'monitoring' }, { ns: OPS }), pod('batch', { type: 'batch' }, { ns: OPS }), pod('mon-elsewhere', { type: 'monitoring' }, { ns: OTHER }),
        policy('web-allow-ops-monitoring', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'operations' } }, podSelector: { matchLabels: { type: 'monitoring' } } }] }] })],
      namespaces: [{ name: OPS, labels: { team: 'operations' } }, { name: OTHER, labels: {} }], clients: ['client', `${OPS}/mon`, `${OPS}/batch`, `${OTHER}/mon-elsewhere`], servers: ['web'],
    },
    allowed: cells(`${OPS}/mon>web`),
  },
  {
    name: '08 allow external clients (ingress: [{}] beside a namespace-wide deny)',
    world: {
      docs: [web, client, pod('external', { app: 'ext' }, { hostNetwork: true }), pod('db', { app: 'db' }), policy('default-deny-all', { podSelector: {} }),
        policy('web-allow-external', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{}] })],
      clients: ['client', 'external'], servers: ['web', 'db'],
    },
    // The host-network client is not isolated and db's deny has no host exception: only web admits it.
    allowed: cells('client>web, external>web'),
  },
  {
    name: '09 allow only some ports',
    world: {
      docs: [pod('api', { app: 'apiserver' }), pod('mon', { role: 'monitoring' }), client,
        policy('api-allow-5000', { podSelector: { matchLabels: { app: 'apiserver' } }, ingress: [{ ports: [{ port: 5000 }], from: [{ podSelector: { matchLabels: { role: 'monitoring' } } }] }] })],
      clients: ['mon', 'client'], servers: ['api'], ports: [{ port: 5000, protocol: 'TCP' }, { port: 8000, protocol: 'TCP' }, { port: 5000, protocol: 'UDP' }],
    },
    allowed: cells('mon>api', '5000/TCP'),
  },
  {
    name: '10 multiple selectors (peers are ORed)',
    world: {
      docs: [pod('db', { app: 'bookstore', role: 'db' }), pod('search', { app: 'bookstore', role: 'search' }), pod('api', { app: 'bookstore', role: 'api' }), pod('inventory', { app: 'inventory', role: 'web' }), pod('other', { app: 'bookstore', role: 'other' }),
        policy('db-allow-services', { podSelector: { matchLabels: { app: 'bookstore', role: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'bookstore', role: 'search' } } }, { podSelector: { matchLabels: { app: 'bookstore', role: 'api' } } }, { podSelector: { matchLabels: { app: 'inventory', role: 'web' } } }] }] })],
      clients: ['search', 'api', 'inventory', 'other'], servers: ['db'],
    },
    allowed: cells('search>db, api>db, inventory>db'),
  },
  {
    name: '11 deny egress from an application (its ingress stays open)',
    world: { docs: [web, pod('foo', { app: 'foo' }), client, policy('foo-deny-egress', { podSelector: { matchLabels: { app: 'foo' } }, policyTypes: ['Egress'], egress: [] })], clients: ['foo', 'client'], servers: ['web', 'foo'] },
    allowed: cells('foo>foo, client>web, client>foo'),
  },
  {
    name: '11a deny all egress except DNS',
    world: {
      docs: [web, pod('foo', { app: 'foo' }), pod('dns', { app: 'dns' }),
        policy('foo-egress-dns-only', { podSelector: { matchLabels: { app: 'foo' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }] })],
      clients: ['foo'], servers: ['web', 'dns'], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }, { port: 80, protocol: 'TCP' }],
    },
    allowed: [...cells('foo>web, foo>dns', '53/UDP'), ...cells('foo>web, foo>dns', '53/TCP')].sort(),
  },
  {
    name: '12 deny all non-whitelisted traffic from the namespace (egress)',
    world: {
      docs: [web, client, pod('far', { app: 'x' }, { ns: OTHER }), policy('default-deny-all-egress', { podSelector: {}, policyTypes: ['Egress'], egress: [] })],
      namespaces: [{ name: OTHER, labels: {} }], clients: ['client', `${OTHER}/far`], servers: ['web'],
    },
    allowed: cells(`${OTHER}/far>web`),
  },
  {
    name: '13 egress to a pod in another namespace via a port (peers ORed, each namespace by label)',
    world: {
      docs: [pod('ext', { name: 'external' }), pod('internal', { name: 'internal' }, { ns: OTHER }), pod('other', { name: 'other' }, { ns: OTHER }), pod('dns', { 'k8s-app': 'kube-dns' }, { ns: OPS }),
        policy('foo-deny-egress', { podSelector: { matchLabels: { name: 'external' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }, { port: 8080, protocol: 'TCP' }], to: [{ namespaceSelector: { matchLabels: { name: 'kube-system' } } }, { namespaceSelector: { matchLabels: { name: 'default' } }, podSelector: { matchLabels: { name: 'internal' } } }] }] })],
      namespaces: [{ name: OTHER, labels: { name: 'default' } }, { name: OPS, labels: { name: 'kube-system' } }], clients: ['ext'], servers: [`${OTHER}/internal`, `${OTHER}/other`, `${OPS}/dns`], ports: [{ port: 8080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }, { port: 80, protocol: 'TCP' }],
    },
    allowed: [...cells(`ext>${OTHER}/internal, ext>${OPS}/dns`, '8080/TCP'), ...cells(`ext>${OTHER}/internal, ext>${OPS}/dns`, '53/UDP')].sort(),
  },
  {
    name: '14 deny external egress (DNS anywhere, any port to pods in any namespace)',
    world: {
      docs: [pod('foo', { app: 'foo' }), web, pod('far', { app: 'x' }, { ns: OTHER }), pod('external', { app: 'ext' }, { hostNetwork: true }),
        policy('foo-deny-external-egress', { podSelector: { matchLabels: { app: 'foo' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }, { to: [{ namespaceSelector: {} }] }] })],
      namespaces: [{ name: OTHER, labels: {} }], clients: ['foo'], servers: ['web', `${OTHER}/far`, 'external'], ports: [{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }],
    },
    allowed: [...cells(`foo>web, foo>${OTHER}/far`), ...cells(`foo>web, foo>${OTHER}/far, foo>external`, '53/UDP')].sort(),
  },
  {
    name: 'egress to cluster DNS only (the DNS pods by namespace name AND pod label)',
    world: {
      docs: [pod('client', { app: 'client' }), web, pod('coredns', { 'k8s-app': 'kube-dns' }, { ns: 'demo-system' }), pod('impostor', { 'k8s-app': 'kube-dns' }),
        policy('egress-dns-only', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'demo-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }] })],
      namespaces: [{ name: 'demo-system', labels: {} }], clients: ['client'], servers: ['demo-system/coredns', 'impostor', 'web'], ports: [{ port: 53, protocol: 'UDP' }, { port: 80, protocol: 'TCP' }],
    },
    allowed: cells('client>demo-system/coredns', '53/UDP'),
  },
  {
    name: 'ipBlock with except: egress anywhere outside the pod network',
    world: {
      docs: [pod('client', { app: 'client' }), web, pod('external', { app: 'ext' }, { hostNetwork: true }),
        policy('egress-outside-only', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.244.0.0/16', '10.96.0.0/16'] } }] }] })],
      clients: ['client'], servers: ['web', 'external'],
    },
    allowed: cells('client>external'),
  },
  {
    name: 'named ports resolve on the server pod (ingress)',
    world: {
      docs: [pod('web', { app: 'web' }, { ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }] }), client,
        policy('web-http', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 'http' }] }] })],
      clients: ['client'], servers: ['web'], ports: [{ port: 8080, protocol: 'TCP' }, { port: 9090, protocol: 'TCP' }],
    },
    allowed: cells('client>web', '8080/TCP'),
  },
  {
    name: 'named ports in an egress rule resolve on the destination pod',
    world: {
      docs: [pod('client', { app: 'client' }, { ports: [{ name: 'http', containerPort: 9090 }] }), pod('web', { app: 'web' }, { ports: [{ name: 'http', containerPort: 8080 }] }), pod('plain', { app: 'plain' }),
        policy('client-http-out', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }] }] })],
      clients: ['client'], servers: ['web', 'plain'], ports: [{ port: 8080, protocol: 'TCP' }, { port: 9090, protocol: 'TCP' }],
    },
    // plain declares no port named http, so nothing to it is allowed; 9090 is the client's own http, not web's.
    allowed: cells('client>web', '8080/TCP'),
  },
  {
    name: 'endPort ranges',
    world: {
      docs: [web, client, policy('web-range', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 8000, endPort: 8100 }] }] })],
      clients: ['client'], servers: ['web'], ports: [{ port: 7999, protocol: 'TCP' }, { port: 8000, protocol: 'TCP' }, { port: 8100, protocol: 'TCP' }, { port: 8101, protocol: 'TCP' }],
    },
    allowed: [...cells('client>web', '8000/TCP'), ...cells('client>web', '8100/TCP')].sort(),
  },
];

// The AND-versus-OR peer mistake: one dash less, and a whole namespace (and every pod of the own namespace with the label) gets in.
const andOrDocs = (peers: object[]) => [web, pod('mon', { type: 'monitoring' }, { ns: OPS }), pod('batch', { type: 'batch' }, { ns: OPS }), pod('local-mon', { type: 'monitoring' }),
  policy('web-from-ops-monitoring', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: peers }] })];
const andOrWorld = (peers: object[]): World => ({ docs: andOrDocs(peers), namespaces: [{ name: OPS, labels: { team: 'operations' } }], clients: [`${OPS}/mon`, `${OPS}/batch`, 'local-mon'], servers: ['web'] });
const nsSel = { namespaceSelector: { matchLabels: { team: 'operations' } } };
const podSel = { podSelector: { matchLabels: { type: 'monitoring' } } };
CASES.push(
  { name: 'AND: one peer with namespaceSelector and podSelector', world: andOrWorld([{ ...nsSel, ...podSel }]), allowed: cells(`${OPS}/mon>web`) },
  { name: 'OR (the mistake): two peers, the namespace OR the label', world: andOrWorld([nsSel, podSel]), allowed: cells(`${OPS}/mon>web, ${OPS}/batch>web, local-mon>web`) },
);

describe('recipes: predicted matrices', () => {
  it.each(CASES)('$name', ({ world, allowed: expected }) => {
    expect(allowed(world)).toEqual(expected);
  });

  it('names a workload pod template Kind/name in matrices, and never treats it as a bare Pod for the declaration', () => {
    expect(() => allowed({ docs: [deployment('web', { app: 'web' }), client], clients: ['client'], servers: ['web'] })).toThrow(/web is a Deployment; reachability names bare Pods/);
  });
});
