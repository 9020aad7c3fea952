/**
 * NetworkPolicy v1 semantics, one rule at a time (k8s.io/api networking/v1
 * types.go): each group shares a fixture world, each case adds policies and
 * states every allowed cell (all others must be blocked).
 */
import { describe, expect, it } from 'vitest';
import { coverage, parseCidr, subtract } from '../../../src/lib/netpol/cidr.ts';
import { selectorMatches } from '../../../src/lib/yaml/kube.ts';
import { allowed, cells, pod, policy, predict, type World } from './world.ts';

interface Case {
  name: string;
  policies: object[];
  allowed: string[];
}

/** A group: one world of pods, then each case's policies on top of it. */
function group(title: string, base: Omit<World, 'docs'> & { pods: object[] }, cases: Case[]) {
  describe(title, () => {
    it.each(cases)('$name', ({ policies, allowed: expected }) => {
      expect(allowed({ ...base, docs: [...base.pods, ...policies] })).toEqual(expected);
    });
  });
}

const a = pod('a', { app: 'a' });
const b = pod('b', { app: 'b' });
const web = pod('web', { app: 'web' });
const two = { pods: [a, b, web], clients: ['a', 'b'], servers: ['web', 'a'] };
const everything = cells('a>web, a>a, b>web, b>a');

group('policyTypes defaulting and isolation per direction', two, [
  { name: 'no policy: everything allowed', policies: [], allowed: everything },
  { name: 'no policyTypes, no rules: Ingress only (web isolated)', policies: [policy('p', { podSelector: { matchLabels: { app: 'web' } } })], allowed: cells('a>a, b>a') },
  { name: 'no policyTypes, egress rules present: Egress too (and Ingress with no rule)', policies: [policy('p', { podSelector: { matchLabels: { app: 'a' } }, egress: [{ to: [{ podSelector: { matchLabels: { app: 'web' } } }] }] })], allowed: cells('a>web, a>a, b>web') },
  { name: 'no policyTypes, egress: [] (empty): Ingress only', policies: [policy('p', { podSelector: { matchLabels: { app: 'a' } }, egress: [] })], allowed: cells('a>web, a>a, b>web') },
  { name: 'policyTypes [Egress]: ingress rules are ignored, ingress not isolated', policies: [policy('p', { podSelector: { matchLabels: { app: 'a' } }, policyTypes: ['Egress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'nobody' } } }] }] })], allowed: cells('a>a, b>web, b>a') },
  { name: 'policyTypes [Ingress, Egress] without rules: both isolated', policies: [policy('p', { podSelector: { matchLabels: { app: 'a' } }, policyTypes: ['Ingress', 'Egress'] })], allowed: cells('a>a, b>web') },
  { name: 'egress isolation of the client alone blocks, even with open ingress', policies: [policy('p', { podSelector: { matchLabels: { app: 'b' } }, policyTypes: ['Egress'] })], allowed: cells('a>web, a>a') },
  { name: 'policies add up: a second policy allows what the first does not', policies: [policy('deny', { podSelector: {} }), policy('allow-b', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'b' } } }] }] })], allowed: cells('a>a, b>web') },
  { name: 'absent spec.podSelector selects every pod', policies: [policy('deny', { ingress: [] })], allowed: cells('a>a') },
]);

group('empty versus absent', two, [
  { name: 'ingress: [{}] allows everything', policies: [policy('p', { podSelector: {}, ingress: [{}] })], allowed: everything },
  { name: 'from: [] allows every source', policies: [policy('p', { podSelector: {}, ingress: [{ from: [] }] })], allowed: everything },
  { name: 'ports: [] allows every port', policies: [policy('p', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'b' } } }], ports: [] }] })], allowed: cells('a>a, b>web, b>a') },
  { name: 'a port entry without port: every port of that protocol only', policies: [policy('p', { podSelector: {}, ingress: [{ ports: [{ protocol: 'UDP' }] }] })], allowed: cells('a>a') },
  { name: 'podSelector {} in a peer: every pod of the policy\'s namespace', policies: [policy('p', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })], allowed: everything },
  { name: 'matchLabels: {} is the empty selector too', policies: [policy('p', { podSelector: { matchLabels: {} }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }] }] })], allowed: cells('a>web, a>a') },
]);

const OTHER = 'demo-other';
const crossNs = {
  pods: [web, a, pod('far', { app: 'a' }, { ns: OTHER }), pod('farb', { app: 'b' }, { ns: OTHER })],
  namespaces: [{ name: OTHER, labels: { team: 'blue', tier: 'back' } }],
  clients: ['a', `${OTHER}/far`, `${OTHER}/farb`],
  servers: ['web'],
};
const webIngress = (from: object[]) => [policy('p', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from }] })];
group('namespace selectors', crossNs, [
  { name: 'podSelector alone: only the policy\'s namespace', policies: webIngress([{ podSelector: { matchLabels: { app: 'a' } } }]), allowed: cells('a>web') },
  { name: 'namespaceSelector {}: every namespace', policies: webIngress([{ namespaceSelector: {} }]), allowed: cells(`a>web, ${OTHER}/far>web, ${OTHER}/farb>web`) },
  { name: 'namespaceSelector {} AND podSelector: the label in every namespace', policies: webIngress([{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'a' } } }]), allowed: cells(`a>web, ${OTHER}/far>web`) },
  { name: 'matchLabels on a declared label', policies: webIngress([{ namespaceSelector: { matchLabels: { team: 'blue' } } }]), allowed: cells(`${OTHER}/far>web, ${OTHER}/farb>web`) },
  { name: 'the automatic kubernetes.io/metadata.name label', policies: webIngress([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'demo' } } }]), allowed: cells('a>web') },
  { name: 'matchExpressions In', policies: webIngress([{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'In', values: ['red', 'blue'] }] } }]), allowed: cells(`${OTHER}/far>web, ${OTHER}/farb>web`) },
  { name: 'matchExpressions NotIn (an absent key counts as not in)', policies: webIngress([{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['blue'] }] } }]), allowed: cells('a>web') },
  { name: 'matchExpressions Exists', policies: webIngress([{ namespaceSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] } }]), allowed: cells(`${OTHER}/far>web, ${OTHER}/farb>web`) },
  { name: 'matchExpressions DoesNotExist', policies: webIngress([{ namespaceSelector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] } }]), allowed: cells('a>web') },
  { name: 'matchLabels AND matchExpressions in one selector', policies: webIngress([{ namespaceSelector: { matchLabels: { team: 'blue' } }, podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['b'] }] } }]), allowed: cells(`${OTHER}/farb>web`) },
  { name: 'a policy in another namespace does not isolate pods here', policies: [policy('deny-there', { podSelector: {} }, OTHER)], allowed: cells(`a>web, ${OTHER}/far>web, ${OTHER}/farb>web`) },
]);

const hostWorld = {
  pods: [web, a, pod('node', { app: 'web' }, { hostNetwork: true, ports: [{ name: 'http', containerPort: 80 }] })],
  clients: ['a', 'node'],
  servers: ['web', 'node'],
};
group('host-network pods', hostWorld, [
  { name: 'a podSelector {} deny does not isolate a host-network pod', policies: [policy('deny', { podSelector: {} })], allowed: cells('a>node, node>node') },
  { name: 'namespaceSelector {} does not match a host-network client', policies: [policy('deny', { podSelector: {} }), policy('all-ns', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] })], allowed: cells('a>web, a>node, node>node') },
  { name: 'an ipBlock of every node address matches it', policies: [policy('deny', { podSelector: {} }), policy('nodes', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.244.0.0/16', '10.96.0.0/16'] } }] }] })], allowed: cells('node>web, a>node, node>node') },
  { name: 'egress to a host-network server needs an ipBlock, not a selector', policies: [policy('a-out', { podSelector: { matchLabels: { app: 'a' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'web' } } }] }] })], allowed: cells('a>web, node>web, node>node') },
]);

const portWorld = {
  pods: [pod('web', { app: 'web' }, { ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53 }] }), a],
  clients: ['a'],
  servers: ['web'],
  ports: [{ port: 8080, protocol: 'TCP' as const }, { port: 8080, protocol: 'UDP' as const }, { port: 53, protocol: 'UDP' as const }, { port: 53, protocol: 'TCP' as const }],
};
const webPorts = (ports: object[]) => [policy('p', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports }] })];
group('ports', portWorld, [
  { name: 'protocol defaults to TCP', policies: webPorts([{ port: 8080 }]), allowed: cells('a>web', '8080/TCP') },
  { name: 'UDP only when stated', policies: webPorts([{ port: 8080, protocol: 'UDP' }]), allowed: cells('a>web', '8080/UDP') },
  { name: 'a named port needs the same protocol on the container port', policies: webPorts([{ port: 'dns', protocol: 'TCP' }]), allowed: [] },
  { name: 'a named UDP port', policies: webPorts([{ port: 'dns', protocol: 'UDP' }]), allowed: cells('a>web', '53/UDP') },
  { name: 'an unresolvable named port allows nothing', policies: webPorts([{ port: 'metrics' }]), allowed: [] },
  { name: 'SCTP never matches a TCP or UDP probe', policies: webPorts([{ protocol: 'SCTP' }]), allowed: [] },
  { name: 'endPort range includes both ends', policies: webPorts([{ port: 53, endPort: 8080 }]), allowed: [...cells('a>web', '8080/TCP'), ...cells('a>web', '53/TCP')].sort() },
]);

const ipWorld = { pods: [web, a], clients: ['a'], servers: ['web'] };
const webFrom = (ipBlock: object) => [policy('p', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ ipBlock }] }] })];
group('ipBlock against the pod address class', ipWorld, [
  { name: 'a block containing POD_SUBNET matches every pod', policies: webFrom({ cidr: '10.0.0.0/8' }), allowed: cells('a>web') },
  { name: 'a block outside POD_SUBNET matches no pod', policies: webFrom({ cidr: '192.168.0.0/16' }), allowed: [] },
  { name: 'an except covering POD_SUBNET removes every pod', policies: webFrom({ cidr: '10.0.0.0/8', except: ['10.244.0.0/15'] }), allowed: [] },
  { name: 'an except elsewhere leaves the pods in', policies: webFrom({ cidr: '10.0.0.0/8', except: ['10.96.0.0/16'] }), allowed: cells('a>web') },
  { name: 'an IPv6 block matches no pod of this IPv4 cluster', policies: webFrom({ cidr: '::/0' }), allowed: [] },
]);

describe('self and matrix shape', () => {
  it('a pod probing itself is allowed even under a deny-all (the traffic stays inside the pod)', () => {
    const m = predict({ docs: [a, policy('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })], clients: ['a'], servers: ['a'] });
    expect(m.cells.map((c) => c.verdict)).toEqual(['allowed']);
    expect(m.cells[0]!.because.join(' ')).toMatch(/its own address/);
  });

  it('states the different-node assumption on every cell between a host-network pod and a normal one', () => {
    const m = predict({ docs: [a, pod('node', {}, { hostNetwork: true })], clients: ['a', 'node'], servers: ['a', 'node'] });
    const noted = m.cells.filter((c) => c.because.some((l) => l.includes('run on different nodes'))).map((c) => `${c.client}>${c.server}`);
    expect(noted).toEqual(['a>node', 'node>a']);
  });

  it('lists cells clients outermost, then servers, then ports, with the declared names', () => {
    const m = predict({ docs: [a, b, web], clients: ['b', 'a'], servers: ['web'], ports: [{ port: 2, protocol: 'UDP' }, { port: 1, protocol: 'TCP' }] });
    expect(m.cells.map((c) => `${c.client}>${c.server}:${c.port}/${c.protocol}`)).toEqual(['b>web:2/UDP', 'b>web:1/TCP', 'a>web:2/UDP', 'a>web:1/TCP']);
    expect(m.clients).toEqual(['b', 'a']);
  });

  it('says why: the isolating policy, and for each of its rules why it does not match', () => {
    const m = predict({ docs: [web, a, ...webIngress([{ namespaceSelector: { matchLabels: { team: 'x' } }, podSelector: { matchLabels: { app: 'a' } } }])], clients: ['a'], servers: ['web'] });
    expect(m.cells[0]!.because).toEqual([
      'egress of a is not isolated (no NetworkPolicy with policyType Egress selects it)',
      'ingress of web is isolated by p; no rule allows from a on 80/TCP',
      '  p ingress rule 1: namespaceSelector {team: x} AND podSelector {app: a}: namespace demo of a does not match the namespaceSelector',
    ]);
  });
});

describe('helpers', () => {
  it('selectors: NotIn and DoesNotExist match a missing key; In and Exists do not', () => {
    const labels = { app: 'web' };
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['x'] }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, labels)).toBe(false);
    expect(selectorMatches({}, labels)).toBe(true);
  });

  it('CIDR coverage: all, none or some of a class', () => {
    const range = (s: string) => {
      const c = parseCidr(s);
      if (!('family' in c) || c.family !== 'ipv4') throw new Error(s);
      return [c.range];
    };
    const pods = range('10.244.0.0/16');
    expect(coverage(range('10.0.0.0/8'), pods)).toBe('all');
    expect(coverage(range('10.245.0.0/16'), pods)).toBe('none');
    expect(coverage(range('10.244.1.0/24'), pods)).toBe('some');
    expect(coverage(subtract(range('10.0.0.0/8'), range('10.244.7.0/24')), pods)).toBe('some');
    expect(parseCidr('10.244.0.1/16')).toEqual({ family: 'ipv4', range: { lo: 10 * 2 ** 24 + 244 * 2 ** 16, hi: 10 * 2 ** 24 + 244 * 2 ** 16 + 65535 } });
    expect(parseCidr('10.300.0.0/16')).toHaveProperty('error');
    expect(parseCidr('10.0.0.0/33')).toHaveProperty('error');
  });
});
