/**
 * Runs a `from: host` check (spec.ts FROM_HOST): curl on the runner's own
 * machine to a LoadBalancer address of the example, through the kind
 * network's bridge, as a client outside the cluster. In-cluster clients never
 * exercise the load balancer (kube-proxy answers a Service's LB address on the
 * node itself), so this is the one way to see what an outside client sees.
 *
 * The host probes nothing but `$LB_IP(<service>)` of the example's own
 * Services, and only after checking that the address is in one of the
 * cluster's MetalLB IPAddressPools: a Service cannot point the runner's
 * machine anywhere else.
 */
import type { NetworkInterfaceInfo } from 'node:os';
import { curlArgv, lbIpCommand } from '../checks/commands.ts';
import { LB_IP_REF, type Check } from '../examples/spec.ts';
import { parseCidr, parseIPv4, type Interval } from '../netpol/cidr.ts';
import type { Kubectl, RunResult } from './kubectl.ts';

/** Namespace and kind of the pools the host may probe into (MetalLB, as cluster:up installs it). */
const POOLS = ['get', 'ipaddresspools.metallb.io', '-n', 'metallb-system', '-o', 'jsonpath={.items[*].spec.addresses[*]}'];

/**
 * One IPAddressPool `addresses` entry as a range: a CIDR (`192.0.2.0/28`) or
 * `first-last`. IPv6 entries (and anything else) give undefined: the host
 * probes IPv4 only.
 */
export function parsePoolEntry(entry: string): Interval | undefined {
  const e = entry.trim();
  if (e.includes('/')) {
    const c = parseCidr(e);
    return 'range' in c ? c.range : undefined;
  }
  const [a, b, ...rest] = e.split('-');
  if (rest.length || a === undefined || b === undefined) return undefined;
  const lo = parseIPv4(a);
  const hi = parseIPv4(b);
  return lo !== undefined && hi !== undefined && lo <= hi ? { lo, hi } : undefined;
}

/** True when `ip` is a dotted-quad IPv4 address inside one of `ranges`. */
export function inRanges(ip: string, ranges: readonly Interval[]): boolean {
  const n = parseIPv4(ip.trim());
  return n !== undefined && ranges.some((r) => n >= r.lo && n <= r.hi);
}

/**
 * This machine's address on the interface whose subnet holds `ip`: the source
 * address a connection to `ip` leaves with (the kind bridge's gateway address
 * for a load-balancer address on the kind network). Undefined when no
 * interface's subnet holds it.
 */
export function hostAddressToward(ip: string, interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): string | undefined {
  if (parseIPv4(ip.trim()) === undefined) return undefined;
  for (const infos of Object.values(interfaces)) {
    for (const i of infos ?? []) {
      if (i.family !== 'IPv4' || i.internal || !i.cidr) continue;
      const range = parsePoolEntry(i.cidr);
      if (range && inRanges(ip, [range])) return i.address;
    }
  }
  return undefined;
}

/** What a host check needs besides the check: the cluster, a way to run curl here, this machine's interfaces. */
export interface HostProbeDeps {
  kubectl: Kubectl;
  /** Runs argv on this machine (curl), without a shell. */
  hostRun: (argv: string[]) => Promise<RunResult>;
  interfaces: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
}

/** A result that stands for a probe the runner refused or could not start; it never counts as blocked. */
function notProbed(why: string): RunResult {
  return { exitCode: 1, stdout: '', stderr: why, timedOut: false, durationMs: 0 };
}

/** `$HOST_ADDRESS` in the check's body expectations replaced by `address`. */
export function withHostAddress(check: Check, address: string): Check {
  const e = check.http?.expect;
  if (!check.http || typeof e !== 'object') return check;
  const sub = (s: string | undefined) => s?.replaceAll('$HOST_ADDRESS', address);
  return { ...check, http: { ...check.http, expect: { ...e, bodyContains: sub(e.bodyContains), bodyLacks: sub(e.bodyLacks) } } };
}

/**
 * Runs one `from: host` check once: reads the Service's load-balancer
 * address, checks it lies in a pool, curls it from here. Returns the curl
 * result and the check with `$HOST_ADDRESS` filled in, for evaluate().
 */
export async function runHostCheck(check: Check, namespace: string, d: HostProbeDeps): Promise<{ result: RunResult; check: Check }> {
  const service = LB_IP_REF.exec(check.http?.url ?? '')?.[1];
  if (!service) return { result: notProbed('a from: host check needs an http URL with $LB_IP(<service>)'), check };
  const got = await d.kubectl.run(lbIpCommand(service, namespace).slice(1), { timeoutMs: 30_000 });
  const ip = got.stdout.trim();
  if (got.exitCode !== 0 || ip === '') {
    return { result: notProbed(`Service ${service} has no load-balancer address (status.loadBalancer.ingress is empty): ${(got.stderr || got.stdout).trim() || 'pending'}`), check };
  }
  const pools = await d.kubectl.run(POOLS, { timeoutMs: 30_000 });
  const ranges = pools.stdout.split(/\s+/).filter(Boolean).map(parsePoolEntry).filter((r) => r !== undefined);
  if (!inRanges(ip, ranges)) {
    return { result: notProbed(`refusing to probe ${ip} from the host: Service ${service}'s address is in no IPAddressPool of metallb-system (${pools.stdout.trim() || (pools.stderr.trim() || 'none')})`), check };
  }
  const host = hostAddressToward(ip, d.interfaces());
  if (!host) return { result: notProbed(`no interface of this machine is on ${ip}'s network (is the kind bridge up?)`), check };
  const resolved = withHostAddress(check, host);
  // the page's curl, with the address the runner read in place of the kubectl substitution
  const argv = curlArgv(check, check.http!.url.replace(LB_IP_REF, ip), namespace);
  return { result: await d.hostRun(argv), check: resolved };
}
