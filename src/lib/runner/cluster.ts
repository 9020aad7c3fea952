/**
 * What the runner learns about the cluster before it starts: versions for the
 * report and which optional features (requires:) are really there.
 */
import type { ClusterFeature } from '../examples/spec.ts';
import { existsSync } from 'node:fs';
import { run, type Kubectl } from './kubectl.ts';
import { isKindnetLite } from './policy-sync.ts';

export interface ClusterInfo {
  kubernetesVersion: string;
  kindVersion: string;
  cni: string;
  features: Set<ClusterFeature>;
  /** Why each missing feature is missing, for the skip reason. */
  missing: Map<ClusterFeature, string>;
  /** The CNI is kindnet-lite, which answers the NetworkPolicy sync barrier (policy-sync.ts). */
  kindnetLite: boolean;
}

/** CNIs known to enforce NetworkPolicy, matched on the DaemonSet name in kube-system. */
const ENFORCING_CNI = /^(kindnet|calico-node|cilium|antrea-agent|kube-router|canal)$/;

export async function inspectCluster(kubectl: Kubectl): Promise<ClusterInfo> {
  const k = (args: string[]) => kubectl.run(args, { timeoutMs: 30_000 });
  const version = await k(['version', '-o', 'json']);
  if (version.exitCode !== 0) throw new Error(`cannot reach the cluster: ${version.stderr.trim() || version.stdout.trim()}`);
  const versions = JSON.parse(version.stdout);
  const kubernetesVersion: string = versions.serverVersion?.gitVersion ?? 'unknown';
  // Outside kubectl's supported skew (one minor version), output formats differ and checks
  // that read kubectl output would fail for reasons that have nothing to do with the example.
  const skew = Math.abs(Number(versions.clientVersion?.minor) - Number(versions.serverVersion?.minor));
  if (skew > 1) {
    throw new Error(`kubectl ${versions.clientVersion?.gitVersion} is ${skew} minor versions from the server ${kubernetesVersion}; set KUBECTL to a kubectl within one minor version`);
  }

  const kindVersion = process.env.KIND_VERSION ?? (await (async () => {
    // The project's own kind (npm run cluster:up) first, then one on PATH.
    const own = `${process.cwd()}/.cache/cluster/bin-links/kind`;
    const r = await run([existsSync(own) ? own : 'kind', 'version'], { timeoutMs: 10_000 });
    return r.exitCode === 0 ? (r.stdout.match(/v\d+\.\d+\.\d+/)?.[0] ?? 'unknown') : 'none';
  })());

  const ds = await k(['get', 'daemonsets', '-n', 'kube-system', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.template.spec.containers[0].image}{"\\n"}{end}']);
  const daemonsets = ds.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('=') as [string, string]);
  const cniDs = daemonsets.find(([name]) => ENFORCING_CNI.test(name) || /flannel|weave|cni/.test(name));
  const cni = cniDs ? `${cniDs[0]} (${cniDs[1]})` : 'unknown';

  const features = new Set<ClusterFeature>();
  const missing = new Map<ClusterFeature, string>();
  if (cniDs && ENFORCING_CNI.test(cniDs[0])) features.add('networkpolicy');
  else missing.set('networkpolicy', `the CNI (${cni}) is not known to enforce NetworkPolicy`);

  const ic = await k(['get', 'ingressclass', 'traefik', '-o', 'name']);
  if (ic.exitCode === 0) features.add('ingress');
  else missing.set('ingress', 'no IngressClass traefik');

  const gc = await k(['get', 'gatewayclass', 'traefik', '-o', 'jsonpath={.status.conditions[?(@.type=="Accepted")].status}']);
  if (gc.exitCode === 0 && gc.stdout.trim() === 'True') features.add('gateway');
  else missing.set('gateway', 'no accepted GatewayClass traefik');

  // MetalLB as npm run cluster:up installs it: a controller that assigns
  // addresses, and at least one pool for it to assign them from.
  const lbController = await k(['get', 'deployment', 'controller', '-n', 'metallb-system', '-o', 'jsonpath={.status.conditions[?(@.type=="Available")].status}']);
  const pools = await k(['get', 'ipaddresspools.metallb.io', '-n', 'metallb-system', '-o', 'name']);
  if (lbController.exitCode === 0 && lbController.stdout.trim() === 'True' && pools.exitCode === 0 && pools.stdout.trim() !== '') features.add('loadbalancer');
  else missing.set('loadbalancer', 'no LoadBalancer implementation: needs MetalLB (npm run cluster:up installs it) with an Available controller Deployment and an IPAddressPool in metallb-system');
  for (const f of (process.env.CLUSTER_FEATURES ?? '').split(',').filter(Boolean) as ClusterFeature[]) {
    features.add(f);
    missing.delete(f);
  }
  return { kubernetesVersion, kindVersion, cni, features, missing, kindnetLite: isKindnetLite(daemonsets) };
}
