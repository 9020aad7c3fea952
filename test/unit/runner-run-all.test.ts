/**
 * runAll (src/lib/runner/run-all.ts) with fake runs: skipping, which runs
 * overlap, chained runs waiting for deletion, and results put back in order.
 */
import { describe, expect, it } from 'vitest';
import type { LoadedExample } from '../../src/lib/examples/load.ts';
import type { ClusterFeature } from '../../src/lib/examples/spec.ts';
import type { ExampleResult, MutationResult } from '../../src/lib/report/schema.ts';
import { runAll } from '../../src/lib/runner/run-all.ts';

const hostNetPod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'h' }, spec: { hostNetwork: true, containers: [] } };
const plainPod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [] } };

function fake(id: string, docs: unknown[], mutations: number, requires: ClusterFeature[] = []): LoadedExample {
  return {
    id, topic: 'demo', slug: id, dir: '/nowhere', contentHash: `hash-${id}`,
    files: [{ name: 'm.yaml', examplePath: `demo/${id}/m.yaml`, displayPath: 'm.yaml', text: '', documents: docs }],
    spec: { requires, mutations: Array.from({ length: mutations }, (_, i) => ({ name: `m${i}` })) },
  } as unknown as LoadedExample;
}

/** Fake runs that record when each starts and ends (in ticks) and resolve in a given order. */
function recorder(delays: Record<string, number>) {
  const events: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const awaited: string[] = [];
  const step = async (key: string, awaitDeletion: boolean) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    events.push(`start ${key}`);
    if (awaitDeletion) awaited.push(key);
    for (let i = 0; i < (delays[key] ?? 1); i++) await Promise.resolve();
    events.push(`end ${key}`);
    inFlight--;
  };
  return {
    events, awaited, max: () => maxInFlight,
    runExample: async (ex: LoadedExample, awaitDeletion: boolean): Promise<ExampleResult> => {
      await step(ex.id, awaitDeletion);
      return { id: ex.id, contentHash: ex.contentHash, status: 'passed', durationMs: 1, retries: 0, checks: [], mutations: [] };
    },
    runMutation: async (ex: LoadedExample, i: number, awaitDeletion: boolean): Promise<MutationResult> => {
      await step(`${ex.id}#${i}`, awaitDeletion);
      return { name: `m${i}`, namespace: `${ex.slug}-m${i + 1}`, status: 'passed', durationMs: 1, retries: 0, checks: [] };
    },
  };
}

const base = { features: new Set<ClusterFeature>(['gateway']), missing: new Map<ClusterFeature, string>([['loadbalancer', 'no pool']]), log: () => {} };

describe('runAll', () => {
  it('skips an example whose feature is missing, with the reason, and runs none of its mutations', async () => {
    const r = recorder({});
    const lines: string[] = [];
    const results = await runAll([fake('lb', [plainPod], 2, ['loadbalancer']), fake('gw', [plainPod], 0, ['gateway'])], { ...base, log: (l) => lines.push(l), concurrency: 2, withMutations: true, ...r });
    expect(results.map((x) => [x.id, x.status, x.reason])).toEqual([['lb', 'skipped', 'needs loadbalancer (no pool)'], ['gw', 'passed', undefined]]);
    expect(r.events.filter((e) => e.startsWith('start'))).toEqual(['start gw']);
    expect(lines).toContain('[1/2] SKIPPED lb: needs loadbalancer (no pool)');
  });

  it('runs the mutations of an independent example side by side, and those of a host-network example one after another', async () => {
    const r = recorder({ 'free#0': 5, free: 3 });
    const results = await runAll([fake('free', [plainPod], 2), fake('host', [hostNetPod], 2)], { ...base, concurrency: 4, withMutations: true, ...r });
    // the chain first: host, then host#0 only after host ended, host#1 after host#0
    const at = (e: string) => r.events.indexOf(e);
    expect(at('start host#0')).toBeGreaterThan(at('end host'));
    expect(at('start host#1')).toBeGreaterThan(at('end host#0'));
    // the free example's runs overlap
    expect(at('start free#0')).toBeLessThan(at('end free'));
    expect(r.max()).toBeGreaterThan(2);
    // chained runs but the last wait for their namespaces to be gone; independent runs do not
    expect(r.awaited).toEqual(['host', 'host#0']);
    // mutation results back in spec order, under their example
    expect(results.map((x) => [x.id, x.mutations.map((m) => m.name)])).toEqual([['free', ['m0', 'm1']], ['host', ['m0', 'm1']]]);
  });

  it('never has more runs in flight than the concurrency', async () => {
    const r = recorder({});
    await runAll([fake('a', [plainPod], 3), fake('b', [plainPod], 3)], { ...base, concurrency: 3, withMutations: true, ...r });
    expect(r.max()).toBe(3);
    expect(r.events.filter((e) => e.startsWith('start'))).toHaveLength(8);
  });

  it('without mutations runs each example once', async () => {
    const r = recorder({});
    const results = await runAll([fake('a', [hostNetPod], 3)], { ...base, concurrency: 3, withMutations: false, ...r });
    expect(r.events).toEqual(['start a', 'end a']);
    expect(r.awaited).toEqual([]);
    expect(results[0]!.mutations).toEqual([]);
  });
});
