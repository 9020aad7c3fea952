/**
 * The cluster environment a result was proven on, and the one the site
 * describes now. A badge says "verified" only while the two are the same:
 * a result proven on another Kubernetes version, network plugin, kube-proxy
 * mode, Gateway API release or controller proves nothing about the pinned
 * cluster the pages describe.
 *
 * - `expectedEnvironment()`: the environment the pin file describes
 *   (src/lib/pins.ts, the one parser of scripts/cluster/versions.env).
 * - `observeEnvironment()`: what a live cluster reports about itself, for the
 *   runner to write into the report (pins are not asked what the cluster can tell).
 * - `environmentDifferences()`: what differs between the two, one phrase each.
 */
import { PINS, type Pins } from '../pins.ts';
import type { Kubectl } from '../runner/kubectl.ts';
import type { ClusterEnvironment } from './schema.ts';

/** The name of the controller the pins describe: the project's cluster serves Ingress and Gateway API with Traefik. */
export const PINNED_CONTROLLER = 'traefik';

/** The CRD whose bundle-version annotation names the installed Gateway API release. */
export const GATEWAY_API_CRD = 'gatewayclasses.gateway.networking.k8s.io';
const BUNDLE_VERSION_ANNOTATION = 'gateway.networking.k8s.io/bundle-version';

/** How each field is named in a sentence, in the order pages list them. */
const FIELD_NAMES: Record<keyof ClusterEnvironment, string> = {
  kubernetes: 'Kubernetes',
  kind: 'kind',
  cni: 'CNI',
  kubeProxyMode: 'kube-proxy mode',
  gatewayApi: 'Gateway API',
  controller: 'controller',
  controllerVersion: 'controller version',
};

/** The environment the pin file describes: what a current result must have been proven on. */
export function expectedEnvironment(pins: Pins = PINS): ClusterEnvironment {
  return {
    kubernetes: pins.K8S_VERSION,
    kind: pins.KIND_VERSION,
    cni: pins.CNI,
    kubeProxyMode: pins.KUBE_PROXY_MODE,
    gatewayApi: pins.GATEWAY_API_VERSION,
    controller: PINNED_CONTROLLER,
    controllerVersion: pins.TRAEFIK_VERSION,
  };
}

/** One entry per field whose value differs: the field's name and both values. */
export interface EnvironmentDifference {
  field: keyof ClusterEnvironment;
  /** The field in words, e.g. "kube-proxy mode". */
  name: string;
  /** What the run recorded. */
  recorded: string;
  /** What the pins describe now. */
  expected: string;
  /** e.g. "Kubernetes v1.36.3 (now v1.37.2)". */
  text: string;
}

/** Every field of `recorded` that differs from `expected`, in FIELD_NAMES order; empty when they are the same environment. */
export function environmentDifferences(recorded: ClusterEnvironment, expected: ClusterEnvironment): EnvironmentDifference[] {
  return (Object.keys(FIELD_NAMES) as (keyof ClusterEnvironment)[])
    .filter((field) => recorded[field] !== expected[field])
    .map((field) => ({ field, name: FIELD_NAMES[field], recorded: recorded[field], expected: expected[field], text: `${FIELD_NAMES[field]} ${recorded[field]} (now ${expected[field]})` }));
}

/** One line naming an environment, for pages: "Kubernetes v1.37.2, kind v0.33.0, kindnet-lite, kube-proxy nftables, Gateway API v1.4.1, traefik v3.6.12". */
export function describeEnvironment(env: ClusterEnvironment): string {
  const controller = env.controller === 'none' ? 'no Ingress/Gateway controller' : `${env.controller} ${env.controllerVersion}`;
  const gateway = env.gatewayApi === 'none' ? 'no Gateway API' : `Gateway API ${env.gatewayApi}`;
  return `Kubernetes ${env.kubernetes}, kind ${env.kind}, ${env.cni}, kube-proxy ${env.kubeProxyMode}, ${gateway}, ${controller}`;
}

/** `mode:` of a kube-proxy configuration (the KubeProxyConfiguration YAML in its ConfigMap); an empty mode is the platform default, iptables on Linux. */
export function kubeProxyModeOf(config: string): string {
  const m = /^mode:[ \t]*["']?([A-Za-z]*)["']?[ \t]*$/m.exec(config);
  if (!m) return 'unknown';
  return m[1] === '' ? 'iptables' : m[1]!;
}

/** Name and tag of an image reference: "docker.io/library/traefik:v3.6.12" -> ["traefik", "v3.6.12"]; no tag -> "unknown". */
export function imageNameAndTag(image: string): [name: string, tag: string] {
  const noDigest = image.split('@')[0]!;
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  const hasTag = colon > lastSlash;
  const repo = hasTag ? noDigest.slice(0, colon) : noDigest;
  return [repo.slice(repo.lastIndexOf('/') + 1), hasTag ? noDigest.slice(colon + 1) : 'unknown'];
}

/** What the runner already learnt about the cluster (src/lib/runner/cluster.ts). */
export interface KnownClusterFacts {
  /** `kubectl version` serverVersion.gitVersion. */
  kubernetesVersion: string;
  /** `kind version` of the kind that made it, or "none". */
  kindVersion: string;
  /** The CNI DaemonSet as "<name> (<image>)", or "unknown". */
  cni: string;
  /** The CNI is kindnet-lite (DaemonSet kindnet running the kindnet-lite image). */
  kindnetLite: boolean;
}

/** The CNI's name: kindnet-lite runs as DaemonSet `kindnet` (kind's name), so it is told apart by its image; others by their DaemonSet. */
export function cniName(facts: Pick<KnownClusterFacts, 'cni' | 'kindnetLite'>): string {
  if (facts.kindnetLite) return 'kindnet-lite';
  return facts.cni.split(' ')[0] || 'unknown';
}

/**
 * The environment as the cluster reports it. Kubernetes and the CNI come from
 * what the runner already asked (`facts`); the kube-proxy mode from its
 * ConfigMap, the Gateway API release from its CRD's bundle-version annotation,
 * the controller from the image of Deployment traefik/traefik. The kind
 * version is the one thing the cluster cannot tell: `facts.kindVersion` is
 * what `kind version` said (or KIND_VERSION). Anything the cluster does not
 * answer is "unknown" or "none", never filled in from the pins.
 */
export async function observeEnvironment(kubectl: Kubectl, facts: KnownClusterFacts): Promise<ClusterEnvironment> {
  const get = async (args: string[]): Promise<string | undefined> => {
    const r = await kubectl.run(['get', ...args], { timeoutMs: 30_000 });
    return r.exitCode === 0 ? r.stdout.trim() : undefined;
  };
  const proxyConfig = await get(['configmap', 'kube-proxy', '-n', 'kube-system', '-o', 'jsonpath={.data.config\\.conf}']);
  const bundle = await get(['crd', GATEWAY_API_CRD, '-o', `jsonpath={.metadata.annotations.${BUNDLE_VERSION_ANNOTATION.replaceAll('.', '\\.')}}`]);
  const controllerImage = await get(['deployment', 'traefik', '-n', 'traefik', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
  const [controller, controllerVersion] = controllerImage ? imageNameAndTag(controllerImage) : ['none', 'none'];
  return {
    kubernetes: facts.kubernetesVersion,
    kind: facts.kindVersion,
    cni: cniName(facts),
    kubeProxyMode: proxyConfig === undefined ? 'unknown' : kubeProxyModeOf(proxyConfig),
    gatewayApi: bundle === undefined ? 'none' : bundle || 'unknown',
    controller,
    controllerVersion,
  };
}
