/**
 * The decision for one connection, by upstream NetworkPolicy v1 semantics
 * (k8s.io/api networking/v1 types.go):
 *
 * - A pod is isolated for a direction when some policy of its namespace whose
 *   policyTypes include that direction selects it; an unisolated direction
 *   allows everything. Policies are additive: a connection is allowed in a
 *   direction when any rule of any selecting policy allows it.
 * - A connection is allowed iff the client's egress allows it AND the
 *   server's ingress allows it.
 * - Within one rule, peers are ORed and ports are ORed; an absent or empty
 *   list means all. Within one peer, namespaceSelector AND podSelector.
 *   podSelector alone means the policy's namespace.
 * - ipBlock is compared with the peer's address class (a normal pod: inside
 *   POD_SUBNET; a hostNetwork pod: a node address, outside POD_SUBNET and
 *   SERVICE_SUBNET); predict.ts rejects a block that splits a class.
 * - A named port resolves on the destination pod's containerPorts (for
 *   egress too): name and protocol must match and the number must be the
 *   probed port.
 * - hostNetwork pods are never selected by a policy and never matched by
 *   pod or namespace selectors; traffic between a pod and its own node is
 *   always allowed, which the recipes avoid by anti-affinity.
 */
import { ALL_IPV4, coverage, parseCidr, subtract, type AddressSet } from './cidr.ts';
import type { IpBlockInfo, PeerInfo, PodInfo, PolicyInfo, RuleInfo, RulePort, World } from './model.ts';
import { selectorMatches } from '../yaml/kube.ts';
import { describeSelector } from './selector.ts';
import type { AddressPlan, Protocol, Verdict } from './types.ts';

/** The two address classes a probed pod can have. */
export interface AddressClasses {
  /** Every normal pod's IP is in here (POD_SUBNET). */
  pod: AddressSet;
  /** A hostNetwork pod's IP (a node address) is in here: outside POD_SUBNET and SERVICE_SUBNET. */
  node: AddressSet;
  plan: AddressPlan;
}

/** The classes of a plan; throws on a plan that is not two IPv4 CIDRs (the pins parser guarantees they are). */
export function addressClasses(plan: AddressPlan): AddressClasses {
  const range = (cidr: string) => {
    const c = parseCidr(cidr);
    if (!('family' in c) || c.family !== 'ipv4') throw new Error(`address plan: ${cidr} is not an IPv4 CIDR`);
    return c.range;
  };
  const pod = [range(plan.podSubnet)];
  return { pod, node: subtract(subtract(ALL_IPV4, pod), [range(plan.serviceSubnet)]), plan };
}

export function describeClass(p: PodInfo, classes: AddressClasses): string {
  return p.hostNetwork ? `a node address (outside POD_SUBNET ${classes.plan.podSubnet} and SERVICE_SUBNET ${classes.plan.serviceSubnet})` : `in POD_SUBNET ${classes.plan.podSubnet}`;
}

export function describeIpBlock(b: IpBlockInfo): string {
  return `ipBlock ${b.cidr}${b.except.length ? ` except ${b.except.join(', ')}` : ''}`;
}

export function describePeer(peer: PeerInfo, policyNamespace: string): string {
  if (peer.ipBlock) return describeIpBlock(peer.ipBlock);
  const parts: string[] = [];
  if (peer.namespaceSelector) parts.push(`namespaceSelector ${describeSelector(peer.namespaceSelector)}`);
  if (peer.podSelector) parts.push(`podSelector ${describeSelector(peer.podSelector)}`);
  return peer.namespaceSelector ? parts.join(' AND ') : `${parts[0]} in namespace ${policyNamespace}`;
}

type Match = { ok: true; why: string } | { ok: false; why: string };

/** Does this peer (of a policy in `policyNamespace`) match pod `p`? */
export function peerMatches(peer: PeerInfo, policyNamespace: string, p: PodInfo, world: World, classes: AddressClasses): Match {
  const what = describePeer(peer, policyNamespace);
  if (peer.ipBlock) {
    const cov = coverage(peer.ipBlock.set, p.hostNetwork ? classes.node : classes.pod);
    // 'some' is reported as a problem before any cell is decided; treat it as no match here.
    return cov === 'all' ? { ok: true, why: `${what} contains ${p.ref}'s address (${describeClass(p, classes)})` } : { ok: false, why: `${what} does not contain ${p.ref}'s address (${describeClass(p, classes)})` };
  }
  if (p.hostNetwork) return { ok: false, why: `${what}: ${p.ref} is a host-network pod, which pod and namespace selectors never match` };
  if (peer.namespaceSelector) {
    const nsLabels = world.namespaces.get(p.namespace)?.labels ?? {};
    if (!selectorMatches(peer.namespaceSelector, nsLabels)) return { ok: false, why: `${what}: namespace ${p.namespace} of ${p.ref} does not match the namespaceSelector` };
  } else if (p.namespace !== policyNamespace) {
    return { ok: false, why: `${what}: ${p.ref} is in namespace ${p.namespace}, and a podSelector alone selects only the policy's namespace` };
  }
  if (peer.podSelector && !selectorMatches(peer.podSelector, p.labels)) return { ok: false, why: `${what}: labels of ${p.ref} do not match the podSelector` };
  return { ok: true, why: `${what} matches ${p.ref}` };
}

function describePort(rp: RulePort): string {
  if (rp.port === undefined) return `any port/${rp.protocol}`;
  return `${rp.port}${rp.endPort !== undefined ? `-${rp.endPort}` : ''}/${rp.protocol}`;
}

/** Does this policy port allow `port/protocol` to destination `dest`? Named ports resolve on dest. */
export function portMatches(rp: RulePort, port: number, protocol: Protocol, dest: PodInfo): Match {
  const what = describePort(rp);
  if (rp.protocol !== protocol) return { ok: false, why: `${what} is another protocol` };
  if (rp.port === undefined) return { ok: true, why: what };
  if (typeof rp.port === 'number') {
    const hi = rp.endPort ?? rp.port;
    return port >= rp.port && port <= hi ? { ok: true, why: what } : { ok: false, why: `${what} does not include ${port}` };
  }
  const named = dest.ports.filter((c) => c.name === rp.port && c.protocol === protocol);
  if (named.length === 0) return { ok: false, why: `named port ${rp.port}/${protocol} does not resolve on ${dest.ref} (no containerPort of that name and protocol)` };
  return named.some((c) => c.port === port) ? { ok: true, why: `${what} (= ${port} on ${dest.ref})` } : { ok: false, why: `named port ${rp.port} is ${named.map((c) => c.port).join(', ')} on ${dest.ref}, not ${port}` };
}

/** Does one rule allow the connection? `peer` is the other end, `dest` the destination pod. */
function ruleMatches(rule: RuleInfo, policy: PolicyInfo, peer: PodInfo, dest: PodInfo, port: number, protocol: Protocol, world: World, classes: AddressClasses): Match {
  let peerWhy = 'any peer';
  if (rule.peers) {
    const results = rule.peers.map((p) => peerMatches(p, policy.namespace, peer, world, classes));
    const hit = results.find((r) => r.ok);
    if (!hit) return { ok: false, why: results.map((r) => r.why).join('; ') };
    peerWhy = hit.why;
  }
  let portWhy = 'any port';
  if (rule.ports) {
    const results = rule.ports.map((rp) => portMatches(rp, port, protocol, dest));
    const hit = results.find((r) => r.ok);
    if (!hit) return { ok: false, why: `peer matches, but no port does: ${results.map((r) => r.why).join('; ')}` };
    portWhy = hit.why;
  }
  return { ok: true, why: `${peerWhy}; ${portWhy}` };
}

/** The policies isolating pod `p` in one direction. */
export function isolating(p: PodInfo, direction: 'ingress' | 'egress', world: World): PolicyInfo[] {
  if (p.hostNetwork) return [];
  return world.policies.filter((np) => np.namespace === p.namespace && np[direction] !== undefined && selectorMatches(np.podSelector, p.labels));
}

function policyName(np: PolicyInfo, world: World): string {
  return np.namespace === world.namespace ? np.name : `${np.namespace}/${np.name}`;
}

/** One direction's decision, with its reasons. */
function decideDirection(direction: 'ingress' | 'egress', self: PodInfo, other: PodInfo, dest: PodInfo, port: number, protocol: Protocol, world: World, classes: AddressClasses): { allowed: boolean; because: string[] } {
  const target = `${direction === 'egress' ? 'to' : 'from'} ${other.ref} on ${port}/${protocol}`;
  if (self.hostNetwork) return { allowed: true, because: [`${direction} of ${self.ref} is not isolated: it is a host-network pod, to which no NetworkPolicy applies`] };
  const policies = isolating(self, direction, world);
  if (policies.length === 0) return { allowed: true, because: [`${direction} of ${self.ref} is not isolated (no NetworkPolicy with policyType ${direction === 'egress' ? 'Egress' : 'Ingress'} selects it)`] };
  const names = policies.map((np) => policyName(np, world)).join(', ');
  const misses: string[] = [];
  for (const np of policies) {
    const rules = np[direction]!;
    if (rules.length === 0) misses.push(`  ${policyName(np, world)} has no ${direction} rules (it only isolates)`);
    for (const rule of rules) {
      const m = ruleMatches(rule, np, other, dest, port, protocol, world, classes);
      if (m.ok) return { allowed: true, because: [`${direction} of ${self.ref} is isolated by ${names}; ${policyName(np, world)} ${direction} rule ${rule.number} allows ${target}: ${m.why}`] };
      misses.push(`  ${policyName(np, world)} ${direction} rule ${rule.number}: ${m.why}`);
    }
  }
  return { allowed: false, because: [`${direction} of ${self.ref} is isolated by ${names}; no rule allows ${target}`, ...misses] };
}

/** The verdict for one cell. */
export function decide(client: PodInfo, server: PodInfo, port: number, protocol: Protocol, world: World, classes: AddressClasses): { verdict: Verdict; because: string[] } {
  // A bare Pod probing itself never leaves the pod; a workload's template stands for its replicas, which are separate pods.
  if (client === server && client.kind === 'Pod') return { verdict: 'allowed', because: [`${client.ref} connects to its own address: that traffic stays inside the pod and no NetworkPolicy applies`] };
  const replicas = client === server ? [`between two pods of ${client.ref} (a pod connecting to itself is always allowed)`] : [];
  const egress = decideDirection('egress', client, server, server, port, protocol, world, classes);
  const ingress = decideDirection('ingress', server, client, server, port, protocol, world, classes);
  const host = client.hostNetwork !== server.hostNetwork ? [`assumes ${client.ref} and ${server.ref} run on different nodes (traffic between a pod and its own node is always allowed)`] : [];
  return { verdict: egress.allowed && ingress.allowed ? 'allowed' : 'blocked', because: [...replicas, ...egress.because, ...ingress.because, ...host] };
}

/** ipBlocks that split an address class in use: whether a pod matches would depend on the IP it happens to get. */
export function ambiguousIpBlocks(world: World, classes: AddressClasses, pods: PodInfo[]): { peer: PeerInfo; policy: PolicyInfo; message: string; hint: string }[] {
  const out: { peer: PeerInfo; policy: PolicyInfo; message: string; hint: string }[] = [];
  const usesPod = pods.some((p) => !p.hostNetwork);
  const usesNode = pods.some((p) => p.hostNetwork);
  for (const policy of world.policies) {
    for (const rule of [...(policy.ingress ?? []), ...(policy.egress ?? [])]) {
      for (const peer of rule.peers ?? []) {
        if (!peer.ipBlock) continue;
        const what = describeIpBlock(peer.ipBlock);
        if (usesPod && coverage(peer.ipBlock.set, classes.pod) === 'some') {
          out.push({ peer, policy, message: `${what} contains only part of POD_SUBNET ${classes.plan.podSubnet}: whether a pod matches depends on the IP it happens to get`, hint: `use a CIDR (and excepts) that contains all of ${classes.plan.podSubnet} or none of it` });
        }
        if (usesNode && coverage(peer.ipBlock.set, classes.node) === 'some') {
          out.push({ peer, policy, message: `${what} contains only part of the node addresses (everything outside POD_SUBNET ${classes.plan.podSubnet} and SERVICE_SUBNET ${classes.plan.serviceSubnet}): whether a host-network pod matches depends on its node's IP`, hint: `use 0.0.0.0/0 with except ${classes.plan.podSubnet} (and ${classes.plan.serviceSubnet}) to match every node address, or a block inside the two subnets to match none` });
        }
      }
    }
  }
  return out;
}
