/**
 * Bad input stops the build, says where, and leaves no partial site.
 *
 * Each case is a tiny fixture site (test/fixtures/sites/<case>/content and
 * examples) built with the real build script, pointed at it by CONTENT_DIR
 * and EXAMPLES_DIR, into a temporary ASTRO_OUT_DIR. Grouped by fixture, as
 * withastro/starlight groups its tests.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadExample } from '../../src/lib/examples/load.ts';
import { checkLinks } from '../../src/lib/links/check-links.ts';
import { PINS } from '../../src/lib/pins.ts';
import { expectedEnvironment } from '../../src/lib/report/environment.ts';
import { buildFixtureSite, fixtureSites as sites, type FixtureBuild as Build } from '../support/fixture-build.ts';
import { root } from '../support/site.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'bad-input-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Builds fixture site `name` with scripts/build.ts into a fresh temporary folder (no reports unless `env` names one). */
const build = (name: string, env: Record<string, string> = {}): Build => buildFixtureSite(name, tmp, env);

/** The display path of a fixture file in messages (relative to the repository root, the build's cwd). */
const rel = (name: string, file: string) => path.relative(root, path.join(sites, name, file));
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Shared assertions for a build that must fail. */
function expectFailedBuild(b: Build) {
  expect(b.status, b.output).not.toBe(0);
  expect(b.status).not.toBeNull();
  // No partial site: neither the final folder nor anything inside its parent.
  expect(existsSync(b.outDir)).toBe(false);
  expect(readdirSync(path.dirname(b.outDir))).toEqual([]);
  expect(b.output).toMatch(/content check failed with \d+ problem/);
}

describe('fixture: missing-example (an <Example path> that does not exist)', () => {
  let b: Build;
  beforeAll(() => {
    b = build('missing-example');
  });

  test('fails, naming the article, the tag position and the rule', () => {
    expectFailedBuild(b);
    const file = rel('missing-example', 'content/guides/broken.mdx');
    // The tag is on line 11, indented by two spaces.
    expect(b.output).toMatch(new RegExp(`^${escape(file)}:11:3  error  example-missing  <Example path="demo/nope">`, 'm'));
    expect(b.output).toMatch(/hint: create .*demo\/nope\/example\.yaml/);
  });
});

describe('fixture: bad-yaml (an example manifest that is not valid YAML)', () => {
  let b: Build;
  beforeAll(() => {
    b = build('bad-yaml');
  });

  test('fails, naming the manifest, the line:col of the bad line and the rule', () => {
    expectFailedBuild(b);
    const manifest = rel('bad-yaml', 'examples/demo/bad-yaml/service.yaml');
    expect(b.output).toMatch(new RegExp(`^${escape(manifest)}:10:\\d+  error  yaml-parse  `, 'm'));
  });

  test('also names the article that embeds the example, at its tag', () => {
    const article = rel('bad-yaml', 'content/guides/bad-yaml.mdx');
    expect(b.output).toMatch(new RegExp(`^${escape(article)}:9:1  error  yaml-parse  <Example path="demo/bad-yaml">: `, 'm'));
  });
});

describe('fixture: no-title (article frontmatter without a title)', () => {
  let b: Build;
  beforeAll(() => {
    b = build('no-title');
  });

  test('fails, naming the article, the frontmatter position and the rule', () => {
    expectFailedBuild(b);
    const file = rel('no-title', 'content/guides/untitled.mdx');
    expect(b.output).toMatch(new RegExp(`^${escape(file)}:2:1  error  frontmatter  title is required`, 'm'));
    expect(b.output).toMatch(/hint: add "title: \.\.\." to the frontmatter/);
  });
});

describe('fixture: good', () => {
  let b: Build;
  beforeAll(() => {
    b = build('good');
  });
  const ex = () => loadExample(path.join(sites, 'good', 'examples'), 'demo/hello');

  test('builds, and the output folder is a whole site', () => {
    expect(b.status, b.output).toBe(0);
    for (const f of ['index.html', 'guides/demo/index.html', 'examples/index.html', 'examples/demo/hello/index.html', 'validation/index.html', 'conformance/index.html', 'pagefind/pagefind.js', '404.html']) {
      expect(existsSync(path.join(b.outDir, f)), f).toBe(true);
    }
  });

  test('the article embeds the example, and its raw files are published byte for byte', () => {
    const html = readFileSync(path.join(b.outDir, 'guides/demo/index.html'), 'utf8');
    expect(html).toContain('data-example="demo/hello"');
    expect(html).toContain('data-example-file="demo/hello/pod.yaml"');
    for (const f of ['example.yaml', 'pod.yaml']) {
      expect(readFileSync(path.join(b.outDir, 'examples/demo/hello', f)).equals(readFileSync(path.join(sites, 'good/examples/demo/hello', f))), f).toBe(true);
    }
  });

  test('without a report, every badge says "not yet run"', () => {
    const validation = readFileSync(path.join(b.outDir, 'validation/index.html'), 'utf8');
    expect(validation).toContain('No cluster validation report is present');
    expect(validation).toContain('validation-badge--not-run');
    expect(validation).not.toMatch(/validation-badge--(passed|failed|stale|skipped)/);
  });

  test('has no broken internal link', () => {
    expect(checkLinks(b.outDir).problems).toEqual([]);
  });

  test('with a report for these exact files on the pinned environment, the badge says verified (whatever the commit)', () => {
    const reportFile = path.join(tmp, 'report.json');
    const report = (hash: string) => ({
      schemaVersion: 1,
      commit: 'an-older-commit',
      generatedAt: '2026-11-21T08:00:00Z',
      environment: expectedEnvironment(),
      examples: [{ id: 'demo/hello', contentHash: hash, status: 'passed', durationMs: 1000, checks: [{ name: ex().spec.checks[0]!.name, status: 'passed', durationMs: 100, attempts: 1, output: '' }] }],
    });
    writeFileSync(reportFile, JSON.stringify(report(ex().contentHash)));
    const fresh = build('good', { CLUSTER_REPORT: reportFile });
    expect(fresh.status, fresh.output).toBe(0);
    const page = readFileSync(path.join(fresh.outDir, 'examples/demo/hello/index.html'), 'utf8');
    expect(page).toContain('validation-badge--passed');
    expect(page).toContain(PINS.K8S_VERSION);
  });
});
