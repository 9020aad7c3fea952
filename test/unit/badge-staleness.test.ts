/**
 * Staleness by what was proven, end to end through the real loader and its
 * content hash: a report written for a tree of examples keeps every badge
 * verified when only an article's prose changes (and whatever commit the
 * report names), and a change to one manifest makes that example, and only
 * that one, stale. The trees are temporary copies of the test fixtures.
 */
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { loadAllExamples, type LoadedExample } from '../../src/lib/examples/load.ts';
import { expectedEnvironment } from '../../src/lib/report/environment.ts';
import { clusterReport, type ClusterReport } from '../../src/lib/report/schema.ts';
import { badgeFor } from '../../src/lib/report/status.ts';
import { root } from '../support/site.ts';

let tree: string;
const examplesDir = () => path.join(tree, 'examples');
const article = () => path.join(tree, 'content', 'guides', 'demo.mdx');

beforeEach(() => {
  tree = mkdtempSync(path.join(tmpdir(), 'staleness-'));
  cpSync(path.join(root, 'test/fixtures/sites/good/content'), path.join(tree, 'content'), { recursive: true });
  cpSync(path.join(root, 'test/fixtures/examples/good'), examplesDir(), { recursive: true });
});
afterEach(() => rmSync(tree, { recursive: true, force: true }));

/** A passing report for exactly these examples, on the pinned environment, at some earlier commit. */
function reportFor(examples: LoadedExample[]): ClusterReport {
  return clusterReport.parse({
    schemaVersion: 1,
    commit: '1111111111111111111111111111111111111111',
    generatedAt: '2026-11-30T12:00:00Z',
    environment: expectedEnvironment(),
    examples: examples.map((e) => ({
      id: e.id,
      contentHash: e.contentHash,
      status: 'passed',
      durationMs: 1000,
      checks: e.spec.checks.map((c) => ({ name: c.name, status: 'passed', durationMs: 10, attempts: 1, output: 'ok' })),
    })),
  });
}

const states = (report: ClusterReport) => Object.fromEntries(loadAllExamples(examplesDir()).map((e) => [e.id, badgeFor(report, e.id, e.contentHash).state]));

describe('staleness follows the files an example is made of', () => {
  test('the fixture tree has at least two examples, all verified by their own report', () => {
    const report = reportFor(loadAllExamples(examplesDir()));
    expect(Object.keys(states(report)).length).toBeGreaterThanOrEqual(2);
    expect(new Set(Object.values(states(report)))).toEqual(new Set(['passed']));
  });

  test("a change to an article's prose keeps every badge verified", () => {
    const report = reportFor(loadAllExamples(examplesDir()));
    const before = readFileSync(article(), 'utf8');
    writeFileSync(article(), before.replace('Fixture text with a rare word', 'Reworded prose, with a rare word'));
    appendFileSync(article(), '\nA new paragraph of prose.\n');
    expect(readFileSync(article(), 'utf8')).not.toBe(before);
    expect(new Set(Object.values(states(report)))).toEqual(new Set(['passed']));
  });

  test('a change to one manifest makes only that example stale, saying its files changed', () => {
    const examples = loadAllExamples(examplesDir());
    const report = reportFor(examples);
    const victim = examples.find((e) => e.id === 'demo/two-docs')!;
    const file = path.join(examplesDir(), victim.id, victim.files[0]!.name);
    writeFileSync(file, readFileSync(file, 'utf8').replace('8080', '8081'));
    const after = loadAllExamples(examplesDir());
    const expected = Object.fromEntries(after.map((e) => [e.id, e.id === victim.id ? 'stale' : 'passed']));
    expect(states(report)).toEqual(expected);
    const changed = after.find((e) => e.id === victim.id)!;
    expect(badgeFor(report, changed.id, changed.contentHash)).toMatchObject({ staleCause: 'files', label: 'stale: files changed since the run' });
  });

  test('a change to an example.yaml (a check, a mutation) makes that example stale too', () => {
    const report = reportFor(loadAllExamples(examplesDir()));
    const spec = path.join(examplesDir(), 'demo/hello/example.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('kubernetes.default', 'kubernetes.default.svc'));
    expect(states(report)['demo/hello']).toBe('stale');
    expect(states(report)['demo/two-docs']).toBe('passed');
  });
});
