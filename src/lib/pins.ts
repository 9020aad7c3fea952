/**
 * The project's pins: every version, and the facts of the cluster the examples
 * are verified on, read from the one pin file, scripts/cluster/versions.env.
 *
 * The cluster scripts `source` that file (scripts/cluster/lib.sh); the offline
 * validator (src/lib/validator/versions.ts), the pages (src/components/
 * ClusterFacts.astro, `pins` in MDX) and the tests read it through this module.
 * test/unit/pins.test.ts fails when anything else states a pinned value of its
 * own.
 *
 * The parser is strict: a line that is not blank, a `#` comment or
 * `KEY=value` with a known key and a value of the expected shape fails with
 * `file:line: message`. A new key goes into KEYS below as well as into the
 * file.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The pin file, relative to the repository root. */
export const PINS_PATH = 'scripts/cluster/versions.env';

const SEMVER_V = /^v\d+\.\d+\.\d+$/;
const NUMERIC = /^\d+(\.\d+){1,2}$/;

/** Every key the pin file may hold: the shape of its value, and what it pins. */
const KEYS = {
  KIND_VERSION: { shape: SEMVER_V, what: 'kind release (vX.Y.Z)' },
  K8S_VERSION: { shape: SEMVER_V, what: 'Kubernetes release of the cluster and of the validator schema (vX.Y.Z)' },
  K8S_STAGING_VERSION: { shape: /^v0\.\d+\.\d+$/, what: 'k8s.io/<staging> module version matching K8S_VERSION (v0.Y.Z)' },
  ETCD_VERSION: { shape: SEMVER_V, what: 'etcd release (vX.Y.Z)' },
  ETCD_IMAGE_TAG: { shape: /^\d+\.\d+\.\d+-\d+$/, what: 'etcd image tag kubeadm expects (X.Y.Z-N)' },
  COREDNS_VERSION: { shape: SEMVER_V, what: 'CoreDNS release (vX.Y.Z)' },
  PAUSE_VERSION: { shape: NUMERIC, what: 'pause image tag (X.Y or X.Y.Z)' },
  AGNHOST_VERSION: { shape: NUMERIC, what: 'agnhost image tag every example uses (X.Y or X.Y.Z)' },
  TRAEFIK_VERSION: { shape: SEMVER_V, what: 'Traefik release serving Ingress and Gateway API (vX.Y.Z)' },
  METALLB_VERSION: { shape: SEMVER_V, what: 'MetalLB release (go.universe.tf/metallb) the cluster runs as its LoadBalancer implementation, L2 mode (vX.Y.Z)' },
  GATEWAY_API_VERSION: { shape: SEMVER_V, what: 'Gateway API release whose standard-channel CRDs the cluster installs and the validator checks (vX.Y.Z)' },
  CYCLONUS_VERSION: { shape: SEMVER_V, what: 'cyclonus release, the NetworkPolicy conformance generator npm run test:conformance runs (vX.Y.Z)' },
  ACTIONLINT_VERSION: { shape: SEMVER_V, what: 'actionlint release that lints .github/workflows in the unit tests (vX.Y.Z)' },
  DEBIAN_SUITE: { shape: /^[a-z]+$/, what: 'Debian suite of the node image (a code name)' },
  CLUSTER_NAME: { shape: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, what: 'kind cluster name (DNS label)' },
  KUBE_PROXY_MODE: { shape: /^(iptables|nftables|ipvs)$/, what: 'kube-proxy mode (iptables, nftables or ipvs)' },
  CNI: { shape: /^[a-z0-9][a-z0-9-]*$/, what: 'network plugin of the cluster (a name)' },
  WORKERS: { shape: /^[1-9]\d*$/, what: 'number of worker nodes (a positive integer)' },
  POD_SUBNET: { shape: /^\d+\.\d+\.\d+\.\d+\/\d+$/, what: 'IPv4 CIDR pods get their addresses from (kind networking.podSubnet)' },
  SERVICE_SUBNET: { shape: /^\d+\.\d+\.\d+\.\d+\/\d+$/, what: 'IPv4 CIDR Services get their cluster IPs from (kind networking.serviceSubnet)' },
} as const;

export type PinKey = keyof typeof KEYS;
export type Pins = { readonly [K in PinKey]: string };

export class PinsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PinsError';
  }
}

/** Parses the text of a pin file; `file` names it in error messages. Throws PinsError listing every problem. */
export function parsePins(text: string, file: string = PINS_PATH): Pins {
  const problems: string[] = [];
  const values: Partial<Record<PinKey, string>> = {};
  const seenAt: Partial<Record<PinKey, number>> = {};
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, i) => {
    const at = `${file}:${i + 1}`;
    if (line.endsWith('\r')) {
      problems.push(`${at}: line ends with a carriage return (CRLF); save the file with LF line endings`);
      return;
    }
    if (line === '' || line.startsWith('#')) return;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) {
      problems.push(`${at}: not KEY=value, a # comment or a blank line: ${JSON.stringify(line)}`);
      return;
    }
    const key = m[1]!;
    const value = m[2]!;
    if (!Object.hasOwn(KEYS, key)) {
      problems.push(`${at}: unknown key ${key}; known keys: ${Object.keys(KEYS).join(', ')} (a new key goes into KEYS in src/lib/pins.ts too)`);
      return;
    }
    const k = key as PinKey;
    if (seenAt[k] !== undefined) {
      problems.push(`${at}: ${k} is set again (first set on line ${seenAt[k]})`);
      return;
    }
    seenAt[k] = i + 1;
    if (!KEYS[k].shape.test(value)) {
      problems.push(`${at}: ${k}=${value}: expected ${KEYS[k].what}, a plain value with no quotes, spaces or comment`);
      return;
    }
    values[k] = value;
  });
  for (const k of Object.keys(KEYS) as PinKey[]) {
    if (seenAt[k] === undefined) problems.push(`${file}: ${k} is missing (${KEYS[k].what})`);
  }
  if (problems.length) throw new PinsError(`invalid pin file:\n${problems.join('\n')}`);
  return Object.freeze(values as Pins);
}

/** Absolute path of the pin file: next to this module in a checkout, else under the working directory (bundled builds). */
export function pinsFile(): string {
  const rel = `../../${PINS_PATH}`;
  try {
    const here = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(here)) return here;
  } catch {
    // import.meta.url is not a file: URL (e.g. inside a bundle)
  }
  return path.resolve(process.cwd(), PINS_PATH);
}

/** Reads and parses a pin file (default: the project's). */
export function loadPins(file: string = pinsFile()): Pins {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new PinsError(`cannot read the pin file ${file}: ${(e as Error).message}`);
  }
  return parsePins(text, path.relative(process.cwd(), file) || file);
}

/** The project's pins, parsed once when this module is first imported. */
export const PINS: Pins = loadPins();

/** "v1.37.2" -> "v1.37" */
export function minorOf(version: string): string {
  const m = /^(v?\d+\.\d+)/.exec(version);
  if (!m) throw new PinsError(`not a version: ${version}`);
  return m[1]!;
}

/** Where agnhost, the one image of the examples, is published. */
export const AGNHOST_REPOSITORY = 'registry.k8s.io/e2e-test-images/agnhost';

/** The only image examples may use, at the pinned tag. */
export const AGNHOST_IMAGE = `${AGNHOST_REPOSITORY}:${PINS.AGNHOST_VERSION}`;

/** The Traefik image the cluster runs. */
export const TRAEFIK_IMAGE = `docker.io/library/traefik:${PINS.TRAEFIK_VERSION}`;

/** Friendly names for pages: `{pins.kubernetes}` in MDX, the ClusterFacts component. */
export const pins = Object.freeze({
  kubernetes: PINS.K8S_VERSION,
  /** "1.37": for prose such as "stable in Kubernetes 1.37". */
  kubernetesMinor: minorOf(PINS.K8S_VERSION).replace(/^v/, ''),
  kind: PINS.KIND_VERSION,
  gatewayApi: PINS.GATEWAY_API_VERSION,
  gatewayApiMinor: minorOf(PINS.GATEWAY_API_VERSION),
  traefik: PINS.TRAEFIK_VERSION,
  metallb: PINS.METALLB_VERSION,
  agnhost: PINS.AGNHOST_VERSION,
  agnhostImage: AGNHOST_IMAGE,
  coredns: PINS.COREDNS_VERSION,
  kubeProxyMode: PINS.KUBE_PROXY_MODE,
  cni: PINS.CNI,
  workers: Number(PINS.WORKERS),
  clusterName: PINS.CLUSTER_NAME,
  podSubnet: PINS.POD_SUBNET,
  serviceSubnet: PINS.SERVICE_SUBNET,
});
