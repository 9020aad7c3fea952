/**
 * The validation page as built: its expectation column is, for every check of
 * every example, the label of `expectation()` (src/lib/checks/commands.ts),
 * the one function that words what a check must see; a check that must fail
 * never reads as one that must succeed (np-egress-dns's DNS lookup once read
 * "works"). Its result column is `checkResultText()` for the report the site
 * was built with.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'node-html-parser';
import { describe, expect, test } from 'vitest';
import { expectation } from '../../src/lib/checks/commands.ts';
import { loadAllExamples } from '../../src/lib/examples/load.ts';
import { failureExpected } from '../../src/lib/examples/spec.ts';
import { PARSE_OPTIONS } from '../../src/lib/links/check-links.ts';
import { distFileForRoute } from '../../src/lib/site/routes.ts';
import { badgeFor, checkResultText, readReport } from '../../src/lib/report/status.ts';
import { REPORT_PATH } from '../../src/lib/site/config.ts';
import { VALIDATION_PATH } from '../../src/lib/site/routes.ts';
import { dist, exRoot, root } from '../support/site.ts';

describe('the validation page', () => {
  const doc = parse(readFileSync(distFileForRoute(dist, VALIDATION_PATH), 'utf8'), PARSE_OPTIONS);
  const rows = doc.querySelectorAll('table.validation-table tbody tr').map((tr) => ({
    id: tr.getAttribute('data-example-id'),
    check: tr.getAttribute('data-check'),
    expect: tr.querySelector('td[data-expect]')?.text.trim(),
    result: tr.querySelector('td[data-result]')?.text.trim(),
  }));
  const examples = loadAllExamples(exRoot);
  const report = readReport(path.resolve(root, REPORT_PATH));

  test("one row per check, in spec order, whose Expect is the check's expectation and whose Result is what the report supports", () => {
    const expected = examples.flatMap((e) => {
      const badge = badgeFor(report, e.id, e.contentHash);
      return e.spec.checks.map((c) => ({ id: e.id, check: c.name, expect: expectation(c, e.slug).label, result: checkResultText(badge, c.name) }));
    });
    expect(rows).toEqual(expected);
  });

  test('every check that must fail is shown as blocked, refused or timing out', () => {
    const mustFail = examples.flatMap((e) => e.spec.checks.filter((c) => failureExpected(c)).map((c) => ({ id: e.id, check: c.name })));
    expect(mustFail.length).toBeGreaterThan(0);
    for (const { id, check } of mustFail) {
      expect(rows.find((r) => r.id === id && r.check === check)?.expect, `${id}: ${check}`).toMatch(/^(blocked \(refused or times out\)|refused|times out)$/);
    }
  });
});
