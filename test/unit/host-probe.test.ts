/**
 * `from: host` checks: what the spec accepts, the command the page shows, and
 * the runner's host probe on a fake cluster (it probes only addresses of the
 * example's Services that lie in a MetalLB pool).
 */
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, test } from 'vitest';
import { renderCheck } from '../../src/lib/checks/commands.ts';
import { check, type Check } from '../../src/lib/examples/spec.ts';
import { evaluate } from '../../src/lib/runner/evaluate.ts';
import { parseIPv4 } from '../../src/lib/netpol/cidr.ts';
import { hostAddressToward, inRanges, parsePoolEntry, runHostCheck } from '../../src/lib/runner/host-probe.ts';
import type { RunResult } from '../../src/lib/runner/kubectl.ts';
import { err, FakeCluster, ok } from '../support/fake-kubectl.ts';

const hostCheck = (url: string, expect: unknown = { status: 200 }) => ({ name: 'h', from: 'host', http: { url, expect } });
const problems = (c: unknown) => {
  const r = check.safeParse(c);
  return r.success ? [] : r.error.issues.map((i) => i.message);
};

describe('the spec', () => {
  test('accepts a from: host http check on $LB_IP(<service>) with a port and path', () => {
    expect(problems(hostCheck('http://$LB_IP(web-local)/clientip', { status: 200, bodyContains: '$HOST_ADDRESS:' }))).toEqual([]);
    expect(problems(hostCheck('http://$LB_IP(web):8080/'))).toEqual([]);
  });

  test('rejects any other host, a shell metacharacter in the path, and non-http probes from the host', () => {
    expect(problems(hostCheck('http://172.18.0.1/'))[0]).toMatch(/must be http:\/\/\$LB_IP/);
    expect(problems(hostCheck('http://$LB_IP(web)/$(id)'))[0]).toMatch(/must be http:\/\/\$LB_IP/);
    expect(problems(hostCheck('http://$LB_IP(web).evil.test/'))[0]).toMatch(/must be http:\/\/\$LB_IP/);
    expect(problems({ name: 't', from: 'host', tcp: { host: '$LB_IP(web)', port: 80, expect: 'open' } })).toContain('from: host runs only http checks');
  });

  test('$LB_IP and $HOST_ADDRESS belong to from: host checks only', () => {
    expect(problems({ name: 'p', from: 'client', http: { url: 'http://$LB_IP(web)/', expect: { status: 200 } } })).toContain('$LB_IP(<service>) is for from: host checks only');
    expect(problems({ name: 'p', from: 'client', http: { url: 'http://web/', expect: { status: 200, bodyLacks: '$HOST_ADDRESS' } } })).toContain('$HOST_ADDRESS is for from: host checks only');
  });
});

describe('the page command', () => {
  test('curl with the address read back by kubectl in a command substitution', () => {
    const r = renderCheck(check.parse(hostCheck('http://$LB_IP(web-local)/clientip', { status: 200, bodyLacks: '$HOST_ADDRESS:' })), 'demo');
    expect(r.command).toBe(`curl -sS --max-time 5 -w '\\nHTTP %{http_code}\\n' "http://$(kubectl -n demo get service web-local -o 'jsonpath={.status.loadBalancer.ingress[0].ip}')/clientip"`);
    expect(r.argv).toEqual(['sh', '-c', r.command]);
    expect(r.expected).toContain('the body does not contain "$HOST_ADDRESS:"');
    expect(r.expected).toContain("your machine's own address");
  });
});

describe('address helpers', () => {
  test('IPv4 parsing, pool entries as CIDR or first-last, membership', () => {
    expect(parseIPv4('172.18.255.200')).toBe(((172 * 256 + 18) * 256 + 255) * 256 + 200);
    expect(parseIPv4('172.18.256.1')).toBeUndefined();
    expect(parseIPv4('fc00::1')).toBeUndefined();
    const range = parsePoolEntry('172.18.255.200-172.18.255.250')!;
    expect(inRanges('172.18.255.200', [range])).toBe(true);
    expect(inRanges('172.18.255.250', [range])).toBe(true);
    expect(inRanges('172.18.255.251', [range])).toBe(false);
    expect(inRanges('172.18.0.1', [parsePoolEntry('172.18.255.192/27')!])).toBe(false);
    expect(inRanges('172.18.255.223', [parsePoolEntry('172.18.255.192/27')!])).toBe(true);
    expect(parsePoolEntry('172.18.255.250-172.18.255.200')).toBeUndefined();
    expect(parsePoolEntry('fc00:f853:ccd:e799::/124')).toBeUndefined();
  });

  test('the host address is the one on the interface whose subnet holds the target', () => {
    const iface = (address: string, cidr: string, internal = false): NetworkInterfaceInfo => ({ address, cidr, internal, family: 'IPv4', netmask: '', mac: '' });
    const interfaces = { lo: [iface('127.0.0.1', '127.0.0.1/8', true)], docker0: [iface('172.17.0.1', '172.17.0.1/16')], 'br-kind': [iface('172.18.0.1', '172.18.0.1/16')] };
    expect(hostAddressToward('172.18.255.200', interfaces)).toBe('172.18.0.1');
    expect(hostAddressToward('10.0.0.1', interfaces)).toBeUndefined();
  });
});

describe('runHostCheck on a fake cluster', () => {
  const interfaces = () => ({ br: [{ address: '172.18.0.1', cidr: '172.18.0.1/16', internal: false, family: 'IPv4', netmask: '', mac: '' } as NetworkInterfaceInfo] });
  function setup(lbIp: RunResult, pools = '172.18.255.200-172.18.255.250') {
    const c = new FakeCluster();
    c.other = (args) => (args.includes('ipaddresspools.metallb.io') ? ok(pools) : args.includes('service') ? lbIp : ok());
    const curls: string[][] = [];
    const hostRun = async (argv: string[]) => {
      curls.push(argv);
      return ok('172.18.0.1:40000\nHTTP 200\n');
    };
    return { deps: { kubectl: c, hostRun, interfaces }, curls, c };
  }
  const local: Check = check.parse(hostCheck('http://$LB_IP(web-local)/clientip', { status: 200, bodyContains: '$HOST_ADDRESS:' }));
  const cluster: Check = check.parse(hostCheck('http://$LB_IP(web-cluster)/clientip', { status: 200, bodyLacks: '$HOST_ADDRESS:' }));

  test('reads the address, curls it from here, and fills in $HOST_ADDRESS', async () => {
    const { deps, curls, c } = setup(ok('172.18.255.201'));
    const h = await runHostCheck(local, 'demo', deps);
    expect(c.calls[0]!.args).toEqual(['-n', 'demo', 'get', 'service', 'web-local', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}']);
    expect(curls).toEqual([['curl', '-sS', '--max-time', '5', '-w', '\\nHTTP %{http_code}\\n', 'http://172.18.255.201/clientip']]);
    expect(evaluate(h.check, h.result, 'demo')).toEqual({ passed: true, reason: 'HTTP 200' });
    // the same answer fails the check that says the host's address must not reach the backend
    const hc = await runHostCheck(cluster, 'demo', deps);
    expect(evaluate(hc.check, hc.result, 'demo')).toMatchObject({ passed: false, reason: 'HTTP 200 but the body contains "172.18.0.1:"' });
  });

  test('a Service without an address fails the check without probing anything', async () => {
    const { deps, curls } = setup(ok(''));
    const h = await runHostCheck(local, 'demo', deps);
    expect(curls).toEqual([]);
    expect(evaluate(h.check, h.result, 'demo').reason).toMatch(/has no load-balancer address/);
    const gone = await runHostCheck(local, 'demo', setup(err('services "web-local" not found')).deps);
    expect(gone.result.exitCode).not.toBe(0);
  });

  test('an address outside every pool is never probed, and does not count as blocked', async () => {
    const { deps, curls } = setup(ok('8.8.8.8'));
    const blocked = check.parse(hostCheck('http://$LB_IP(web)/', 'blocked'));
    const h = await runHostCheck(blocked, 'demo', deps);
    expect(curls).toEqual([]);
    expect(h.result.stderr).toMatch(/refusing to probe 8\.8\.8\.8/);
    expect(evaluate(h.check, h.result, 'demo').passed).toBe(false);
  });
});
