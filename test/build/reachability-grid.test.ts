/**
 * The reachability grid on the built pages (src/components/ReachabilityMatrix.astro).
 *
 * The repository's dist/: every example with a `reachability` block shows,
 * on its own page, a table whose rows, columns and cell words are exactly
 * what src/lib/netpol predicts from its manifests, and says whether it holds
 * a measurement as the report the build read supports (the test build reads
 * none).
 *
 * A fixture site (one recipe, copied from examples/) built with a report
 * that measured every cell, one of them differently from the prediction:
 * each cell shows its measurement, and the differing one is marked and
 * counted in the caption. Every expected value comes from the evaluator and
 * the loader, never from a list in this file.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, type HTMLElement } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadAllExamples, type LoadedExample } from '../../src/lib/examples/load.ts';
import { PARSE_OPTIONS } from '../../src/lib/links/check-links.ts';
import { cellKey, type PredictedMatrix } from '../../src/lib/netpol/index.ts';
import { expectedEnvironment } from '../../src/lib/report/environment.ts';
import { predictedMatrix, reachabilityGrid } from '../../src/lib/report/reachability-view.ts';
import type { ClusterReport } from '../../src/lib/report/schema.ts';
import { badgeFor, readReport } from '../../src/lib/report/status.ts';
import { distFileForRoute, examplePagePath } from '../../src/lib/site/routes.ts';
import { NO_REPORTS_ENV } from '../setup/no-reports.ts';
import { buildFixtureSite, type FixtureBuild } from '../support/fixture-build.ts';
import { dist, exRoot, root } from '../support/site.ts';

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const pageOf = (dir: string, route: string): HTMLElement => parse(readFileSync(distFileForRoute(dir, route), 'utf8'), PARSE_OPTIONS);

/** The grid of example `id` on a page, as a reader reads it: column and row heads, and each cell's words. */
function gridOn(doc: HTMLElement, id: string) {
  const figure = doc.querySelector(`figure[data-reachability="${id}"]`);
  if (!figure) return undefined;
  const table = figure.querySelector('table')!;
  return {
    measuredState: figure.getAttribute('data-measured-state'),
    caption: squash(table.querySelector('caption')?.text ?? ''),
    columns: table.querySelectorAll('thead th[scope="col"]').slice(1).map((th) => th.getAttribute('data-column')),
    rows: table.querySelectorAll('tbody th[scope="row"]').map((th) => th.getAttribute('data-row')),
    cells: table.querySelectorAll('td[data-cell]').map((td) => ({
      key: td.getAttribute('data-cell')!,
      predicted: td.getAttribute('data-predicted'),
      measured: td.getAttribute('data-measured'),
      differs: td.classList.contains('reachability__cell--differs'),
      text: squash(td.text),
    })),
  };
}

/** What the grid of a matrix must show, by the evaluator: column keys, row keys, and each cell's predicted word. */
function expectedShape(m: PredictedMatrix) {
  return {
    columns: m.servers.flatMap((s) => m.ports.map((p) => `${s} ${p.port}/${p.protocol}`)),
    rows: m.clients,
    cells: m.cells.map((c) => ({ key: cellKey(c), predicted: c.verdict })),
  };
}

const withMatrix = (examples: LoadedExample[]) => examples.filter((e) => e.spec.reachability !== undefined);

describe("the repository's site, as built", () => {
  const examples = withMatrix(loadAllExamples(exRoot));
  // The test build reads no report (test/setup/no-reports.ts); the badge says what that supports.
  const report = readReport(path.resolve(root, NO_REPORTS_ENV.CLUSTER_REPORT));

  test('some examples declare a reachability matrix', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  test.each(examples.map((e) => [e.id, e] as const))('%s: the grid on its page is the predicted matrix', (_id, example) => {
    const matrix = predictedMatrix(example)!;
    const grid = gridOn(pageOf(dist, examplePagePath(example.id)), example.id);
    expect(grid, 'no reachability grid on the page').toBeDefined();
    const want = expectedShape(matrix);
    expect(grid!.columns).toEqual(want.columns);
    expect(grid!.rows).toEqual(want.rows);
    expect(grid!.cells.map(({ key, predicted }) => ({ key, predicted }))).toEqual(want.cells);
    for (const cell of grid!.cells) expect(cell.text.startsWith(`${cell.predicted === 'allowed' ? '✓' : '✗'} ${cell.predicted}`), `${cell.key}: "${cell.text}"`).toBe(true);
    const view = reachabilityGrid(matrix, badgeFor(report, example.id, example.contentHash));
    expect(grid!.measuredState).toBe(view.measured.state);
    if (view.measured.state === 'none') {
      expect(grid!.caption).toContain(view.measured.text);
      expect(grid!.cells.filter((c) => c.measured !== undefined)).toEqual([]);
    }
  });
});

describe('a fixture site built with a report that measured the grid, one cell differently', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'reachability-grid-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const examplesDir = path.join(tmp, 'examples');
  const ID = 'networkpolicy-recipes/np-recipe-named-ports';
  cpSync(path.join(exRoot, ID), path.join(examplesDir, ID), { recursive: true });
  if (existsSync(path.join(exRoot, 'topics.json'))) cpSync(path.join(exRoot, 'topics.json'), path.join(examplesDir, 'topics.json'));
  const example = loadAllExamples(examplesDir).find((e) => e.id === ID)!;
  const matrix = predictedMatrix(example)!;
  // The first allowed cell is recorded as blocked: the one disagreement the page must show.
  const differing = cellKey(matrix.cells.find((c) => c.verdict === 'allowed')!);
  const measuredOf = (key: string, predicted: string) => (key === differing ? 'blocked' : predicted);

  function fixtureReport(): ClusterReport {
    return {
      schemaVersion: 1,
      commit: 'fixture',
      generatedAt: '2026-11-30T08:00:00Z',
      environment: expectedEnvironment(),
      rejections: [],
      examples: [{
        id: example.id,
        contentHash: example.contentHash,
        status: 'failed',
        reason: `reachability: ${differing}: predicted allowed, measured blocked`,
        durationMs: 1000,
        retries: 0,
        checks: example.spec.checks.map((c) => ({ name: c.name, status: 'passed', durationMs: 10, attempts: 1, output: '' })),
        mutations: [],
        reachability: {
          status: 'failed',
          cells: matrix.cells.map((c) => ({ client: c.client, server: c.server, port: c.port, protocol: c.protocol, predicted: c.verdict, measured: measuredOf(cellKey(c), c.verdict), output: '' })),
        },
      }],
    } as ClusterReport;
  }

  let b: FixtureBuild;
  beforeAll(() => {
    const report = path.join(tmp, 'report.json');
    writeFileSync(report, JSON.stringify(fixtureReport()));
    b = buildFixtureSite('reachability', tmp, { EXAMPLES_DIR: examplesDir, CLUSTER_REPORT: report });
    expect(b.status, b.output).toBe(0);
  });

  test.each([['its example page', examplePagePath(ID)], ['the article that embeds it', '/guides/recipe/']])('%s shows each measurement and marks the one that differs', (_where, route) => {
    const grid = gridOn(pageOf(b.outDir, route), ID)!;
    expect(grid).toBeDefined();
    expect(grid.measuredState).toBe('measured');
    expect(grid.caption).toContain('1 cell differs from the prediction');
    expect(grid.cells.map((c) => c.key)).toEqual(expectedShape(matrix).cells.map((c) => c.key));
    for (const cell of grid.cells) {
      const measured = measuredOf(cell.key, cell.predicted!);
      expect(cell.measured).toBe(measured);
      expect(cell.differs).toBe(cell.key === differing);
      expect(cell.text).toContain(cell.key === differing ? `predicted ${cell.predicted}, but measured: ${measured}` : `measured: ${measured}`);
    }
  });
});
