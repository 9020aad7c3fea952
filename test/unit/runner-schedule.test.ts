/**
 * The run plan (src/lib/runner/schedule.ts): which runs of test:cluster go side
 * by side and which must follow one another because they share something
 * outside their namespaces.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExample, type LoadedExample } from '../../src/lib/examples/load.ts';
import { exampleClaim, planJobs, sharedClaim } from '../../src/lib/runner/schedule.ts';

const pod = (spec: object) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec });
const deploy = (podSpec: object) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: podSpec } } });
const svc = (spec: object) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec });

describe('sharedClaim', () => {
  it.each([
    ['a plain pod', pod({ containers: [{ name: 'c', ports: [{ containerPort: 80 }] }] }), undefined],
    ['a host-network pod', pod({ hostNetwork: true, containers: [] }), 'Pod p uses the node\'s network'],
    ['a pod with a host port', pod({ containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 8080 }] }] }), 'Pod p claims a host port'],
    ['a host port in an init container', pod({ containers: [], initContainers: [{ name: 'i', ports: [{ containerPort: 1, hostPort: 2 }] }] }), 'Pod p claims a host port'],
    ['a Deployment whose template uses the node network', deploy({ hostNetwork: true, containers: [] }), 'Deployment d uses the node\'s network'],
    ['a Deployment without host claims', deploy({ containers: [{ name: 'c' }] }), undefined],
    ['a ClusterIP Service', svc({ ports: [{ port: 80 }] }), undefined],
    ['a LoadBalancer Service with allocated ports', svc({ type: 'LoadBalancer', ports: [{ port: 80 }] }), undefined],
    ['a Service with a fixed node port', svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 31000 }] }), 'Service s fixes a node port'],
    ['a Service with a fixed health-check node port', svc({ type: 'LoadBalancer', healthCheckNodePort: 32000, ports: [] }), 'Service s fixes spec.healthCheckNodePort'],
    ['a Service with external IPs', svc({ externalIPs: ['192.0.2.1'], ports: [] }), 'Service s fixes spec.externalIPs'],
    ['an Ingress', { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i' } }, 'Ingress i routes host names through the shared Traefik'],
    ['an HTTPRoute', { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' } }, 'HTTPRoute r routes host names through the shared Traefik'],
    ['a cluster-scoped kind', { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'x' } }, 'IngressClass x is not known to stay inside its namespace'],
    ['a NetworkPolicy', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'n' }, spec: {} }, undefined],
    ['not an object', 'text', undefined],
  ])('%s', (_, doc, want) => {
    expect(sharedClaim(doc)).toBe(want);
  });
});

/** A minimal loaded example with these documents in one file and n mutations. */
function fake(id: string, docs: unknown[], mutations: number): LoadedExample {
  return {
    id, topic: 'demo', slug: id, dir: '/nowhere', contentHash: 'x',
    files: [{ name: 'm.yaml', examplePath: `demo/${id}/m.yaml`, displayPath: `m.yaml`, text: '', documents: docs }],
    spec: { mutations: Array.from({ length: mutations }, (_, i) => ({ name: `m${i}` })) },
  } as unknown as LoadedExample;
}

describe('planJobs', () => {
  const free = fake('free', [pod({ containers: [] })], 2);
  const short = fake('short', [svc({ ports: [{ port: 80, nodePort: 30001 }] })], 1);
  const long = fake('long', [pod({ hostNetwork: true, containers: [] })], 3);
  const alone = fake('alone', [pod({ hostNetwork: true, containers: [] })], 0);

  it('chains the runs of an example that claims something shared, longest chain first, and splits the others into single runs', () => {
    const jobs = planJobs([free, short, long, alone], true);
    const shape = jobs.map((j) => j.runs.map((r) => `${r.example.id}${r.mutation === undefined ? '' : `#${r.mutation}`}`));
    expect(shape).toEqual([
      ['long', 'long#0', 'long#1', 'long#2'],
      ['short', 'short#0'],
      ['free'], ['free#0'], ['free#1'],
      ['alone'],
    ]);
    expect(jobs[0]!.chainedBecause).toBe('m.yaml: Pod p uses the node\'s network');
    expect(jobs[2]!.chainedBecause).toBeUndefined();
  });

  it('without mutations every example is one run', () => {
    expect(planJobs([free, long], false).map((j) => j.runs.length)).toEqual([1, 1]);
  });
});

describe('the repository\'s examples', () => {
  const root = path.resolve(import.meta.dirname, '..', '..', 'examples');
  it.each([
    ['services/clusterip-basic', undefined],
    ['networkpolicy-recipes/np-recipe-limit-to-app', undefined],
    ['services/nodeport-loadbalancer', 'services.yaml: Service web-nodeport fixes a node port'],
    ['networkpolicy-recipes/np-recipe-allow-external', 'outside.yaml: Pod outside uses the node\'s network'],
    ['gateway/gateway-path-routing', 'gateway.yaml: Gateway edge routes host names through the shared Traefik'],
  ])('%s', (id, want) => {
    expect(exampleClaim(loadExample(root, id))).toBe(want);
  });
});
