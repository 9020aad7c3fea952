/**
 * The offline reachability gate (issue 12): for every example with a
 * `reachability` matrix, the matrix is predictable from its manifests, and
 * every mutation that names no check in `breaks` flips at least one
 * predicted cell (else nothing would show that it breaks anything). The
 * fixture examples keep the gate honest when examples/ has no matrix yet.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { examplesRoot, loadAllExamples, loadExample, type LoadedExample } from '../../src/lib/examples/load.ts';
import { mutationFlips, predictExample } from '../../src/lib/netpol/example.ts';
import { cellKey } from '../../src/lib/netpol/index.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/examples');

/** Why the example fails the gate: one message per problem, naming the example and the mutation. */
function gateFailures(ex: LoadedExample): string[] {
  const base = predictExample(ex);
  if (!base) return [];
  if (!base.ok) return base.problems.map((p) => `${ex.id}: ${p.file}:${p.line}:${p.column} ${p.message}`);
  return (mutationFlips(ex) ?? []).flatMap((f) => [
    ...f.problems.map((p) => `${ex.id}, mutation ${f.index + 1} "${f.name}": ${p.file}:${p.line}:${p.column} ${p.message}`),
    ...(f.breaksNone && f.problems.length === 0 && f.flipped.length === 0 ? [`${ex.id}, mutation ${f.index + 1} "${f.name}": breaks no check and flips no predicted cell`] : []),
  ]);
}

describe('reachability gate', () => {
  const examples = loadAllExamples(examplesRoot()).filter((e) => e.spec.reachability);

  it.each(examples.map((e) => [e.id, e] as const))('%s: predictable, and every breaks: [] mutation flips a cell', (_id, ex) => {
    expect(gateFailures(ex)).toEqual([]);
  });

  it('passes the fixture example, whose matrix and flips are exactly as its policy says', () => {
    const ex = loadExample(path.join(FIXTURES, 'reachability'), 'networkpolicy/np-fixture-from-ns');
    expect(gateFailures(ex)).toEqual([]);
    const base = predictExample(ex)!;
    expect(base.ok).toBe(true);
    if (!base.ok) return;
    expect(base.matrix.cells.map((c) => `${cellKey(c)} ${c.verdict}`)).toEqual([
      'client -> web 8080/TCP blocked',
      'np-fixture-from-ns-ops/mon -> web 8080/TCP allowed',
      'np-fixture-from-ns-ops/batch -> web 8080/TCP blocked',
    ]);
    expect(mutationFlips(ex)!.map((f) => [f.name, f.flipped])).toEqual([
      ['the peer is split in two, namespaceSelector OR podSelector', ['np-fixture-from-ns-ops/batch -> web 8080/TCP']],
      ['the allowed port is a name web does not declare', ['np-fixture-from-ns-ops/mon -> web 8080/TCP']],
      ['the policy is gone', ['client -> web 8080/TCP', 'np-fixture-from-ns-ops/batch -> web 8080/TCP']],
    ]);
  });

  it('fails an example whose breaks: [] mutation flips no cell, naming the example and the mutation', () => {
    const ex = loadExample(path.join(FIXTURES, 'reachability-bad'), 'networkpolicy/np-fixture-no-flip');
    expect(gateFailures(ex)).toEqual(['networkpolicy/np-fixture-no-flip, mutation 1 "the client is relabelled": breaks no check and flips no predicted cell']);
  });
});
