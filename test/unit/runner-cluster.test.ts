/**
 * inspectCluster's optional features on a fake cluster: the loadbalancer
 * feature is there only when MetalLB's controller is Available and a pool
 * exists; otherwise the skip reason says what is needed.
 */
import { describe, expect, test } from 'vitest';
import { inspectCluster } from '../../src/lib/runner/cluster.ts';
import { err, FakeCluster, ok } from '../support/fake-kubectl.ts';

const VERSION = JSON.stringify({ clientVersion: { minor: '37', gitVersion: 'v1.37.2' }, serverVersion: { minor: '37', gitVersion: 'v1.37.2' } });

function cluster(metallb: { available?: string; pools?: string; missing?: boolean }) {
  const c = new FakeCluster();
  c.other = (args) => {
    if (args[0] === 'version') return ok(VERSION);
    if (args.includes('metallb-system')) {
      if (metallb.missing) return err('the server could not find the requested resource');
      return args.includes('deployment') ? ok(metallb.available ?? '') : ok(metallb.pools ?? '');
    }
    return ok();
  };
  return c;
}

describe('the loadbalancer feature', () => {
  const env = { ...process.env };
  test.each([
    ['an Available controller and a pool', { available: 'True', pools: 'ipaddresspool.metallb.io/kind-offline' }, true],
    ['no pool', { available: 'True', pools: '' }, false],
    ['a controller that is not Available', { available: 'False', pools: 'ipaddresspool.metallb.io/kind-offline' }, false],
    ['no MetalLB at all', { missing: true }, false],
  ])('%s', async (_, metallb, present) => {
    process.env.KIND_VERSION = 'v0.33.0';
    delete process.env.CLUSTER_FEATURES;
    try {
      const info = await inspectCluster(cluster(metallb));
      expect(info.features.has('loadbalancer')).toBe(present);
      if (!present) expect(info.missing.get('loadbalancer')).toMatch(/needs MetalLB .* Available controller .* IPAddressPool in metallb-system/);
    } finally {
      process.env = { ...env };
    }
  });
});
