/**
 * The environment a result was proven on: what the pins describe, what a
 * cluster reports about itself (through the Kubectl seam, with a fake
 * cluster), and what differs between two.
 */
import { describe, expect, test } from 'vitest';
import { parsePins, PINS } from '../../src/lib/pins.ts';
import {
  cniName,
  describeEnvironment,
  environmentDifferences,
  expectedEnvironment,
  GATEWAY_API_CRD,
  imageNameAndTag,
  kubeProxyModeOf,
  observeEnvironment,
} from '../../src/lib/report/environment.ts';
import { clusterEnvironment } from '../../src/lib/report/schema.ts';
import { err, FakeCluster, ok } from '../support/fake-kubectl.ts';
import { readFileSync } from 'node:fs';
import { pinsFile } from '../../src/lib/pins.ts';

describe('expectedEnvironment: from the pin file', () => {
  test('every field comes from the pins (and the schema accepts it)', () => {
    const env = expectedEnvironment();
    expect(clusterEnvironment.parse(env)).toEqual(env);
    expect(env).toEqual({
      kubernetes: PINS.K8S_VERSION,
      kind: PINS.KIND_VERSION,
      cni: PINS.CNI,
      kubeProxyMode: PINS.KUBE_PROXY_MODE,
      gatewayApi: PINS.GATEWAY_API_VERSION,
      controller: 'traefik',
      controllerVersion: PINS.TRAEFIK_VERSION,
    });
  });

  test('a changed pin changes the expected environment', () => {
    const text = readFileSync(pinsFile(), 'utf8').replace(/^K8S_VERSION=.*$/m, 'K8S_VERSION=v1.99.0');
    expect(expectedEnvironment(parsePins(text)).kubernetes).toBe('v1.99.0');
  });
});

describe('environmentDifferences', () => {
  const env = expectedEnvironment();
  test('none for the same environment', () => {
    expect(environmentDifferences(env, { ...env })).toEqual([]);
  });
  test('one entry per differing field, naming both values', () => {
    const d = environmentDifferences({ ...env, kubernetes: 'v1.36.3', controller: 'none', controllerVersion: 'none' }, env);
    expect(d.map((x) => x.field)).toEqual(['kubernetes', 'controller', 'controllerVersion']);
    expect(d[0]!.text).toBe(`Kubernetes v1.36.3 (now ${env.kubernetes})`);
    expect(d[1]).toMatchObject({ recorded: 'none', expected: 'traefik' });
  });
  test('describeEnvironment names every part in one line', () => {
    expect(describeEnvironment(env)).toBe(
      `Kubernetes ${PINS.K8S_VERSION}, kind ${PINS.KIND_VERSION}, ${PINS.CNI}, kube-proxy ${PINS.KUBE_PROXY_MODE}, Gateway API ${PINS.GATEWAY_API_VERSION}, traefik ${PINS.TRAEFIK_VERSION}`,
    );
  });
});

describe('parsers of what the cluster says', () => {
  test('kube-proxy mode from its configuration; empty is iptables; absent is unknown', () => {
    expect(kubeProxyModeOf('apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\n')).toBe('nftables');
    expect(kubeProxyModeOf('mode: "ipvs"')).toBe('ipvs');
    expect(kubeProxyModeOf('kind: KubeProxyConfiguration\nmode: ""\n')).toBe('iptables');
    expect(kubeProxyModeOf('kind: KubeProxyConfiguration\n  mode: nested\n')).toBe('unknown');
  });
  test('image name and tag', () => {
    expect(imageNameAndTag('docker.io/library/traefik:v3.6.12')).toEqual(['traefik', 'v3.6.12']);
    expect(imageNameAndTag('localhost:5000/traefik')).toEqual(['traefik', 'unknown']);
    expect(imageNameAndTag('traefik:v3.6.12@sha256:abc')).toEqual(['traefik', 'v3.6.12']);
  });
  test('the CNI name: kindnet-lite by its image, others by their DaemonSet', () => {
    expect(cniName({ cni: 'kindnet (localhost/kindnet-lite:v1.37.2)', kindnetLite: true })).toBe('kindnet-lite');
    expect(cniName({ cni: 'calico-node (docker.io/calico/node:v3.29.0)', kindnetLite: false })).toBe('calico-node');
    expect(cniName({ cni: 'unknown', kindnetLite: false })).toBe('unknown');
  });
});

describe('observeEnvironment: what the cluster reports, never the pins', () => {
  const facts = { kubernetesVersion: 'v1.36.9', kindVersion: 'v0.30.0', cni: 'kindnet (localhost/kindnet-lite:v1.36.9)', kindnetLite: true };

  test('reads kube-proxy mode, Gateway API bundle version and controller image from the cluster', async () => {
    const fake = new FakeCluster();
    // intercept, not other: the fake models ConfigMaps itself.
    fake.intercept = (args) => {
      const a = args.join(' ');
      if (a.startsWith('get configmap kube-proxy -n kube-system')) return ok('kind: KubeProxyConfiguration\nmode: iptables\n');
      if (a.startsWith(`get crd ${GATEWAY_API_CRD}`)) return ok('v1.2.0');
      if (a.startsWith('get deployment traefik -n traefik')) return ok('docker.io/library/traefik:v3.1.0');
      return err(`unexpected: kubectl ${a}`);
    };
    const env = await observeEnvironment(fake, facts);
    expect(env).toEqual({ kubernetes: 'v1.36.9', kind: 'v0.30.0', cni: 'kindnet-lite', kubeProxyMode: 'iptables', gatewayApi: 'v1.2.0', controller: 'traefik', controllerVersion: 'v3.1.0' });
    expect(fake.calls.every((c) => c.args[0] === 'get')).toBe(true);
  });

  test('what the cluster does not have is "none" or "unknown", not filled in from the pins', async () => {
    const fake = new FakeCluster();
    fake.intercept = () => err('Error from server (NotFound)');
    const env = await observeEnvironment(fake, { ...facts, cni: 'unknown', kindnetLite: false });
    expect(env).toEqual({ kubernetes: 'v1.36.9', kind: 'v0.30.0', cni: 'unknown', kubeProxyMode: 'unknown', gatewayApi: 'none', controller: 'none', controllerVersion: 'none' });
  });

  test('CRDs without the bundle-version annotation: the Gateway API version is unknown', async () => {
    const fake = new FakeCluster();
    fake.intercept = (args) => (args[1] === 'crd' ? ok('') : err('NotFound'));
    expect((await observeEnvironment(fake, facts)).gatewayApi).toBe('unknown');
  });
});
