/**
 * The import rules the layout promises (ARCHITECTURE.md, "Import rules"),
 * and that the folders ARCHITECTURE.md and README's layout section name exist
 * (and that every folder of src/lib/ is named), so neither document drifts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const SOURCE = /\.(ts|mts|mjs|js|astro)$/;

function filesUnder(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && SOURCE.test(e.name))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

/** Module specifiers a file imports (static, dynamic, re-exports). */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const out: string[] = [];
  for (const re of [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g]) {
    for (const m of text.matchAll(re)) out.push(m[1]!);
  }
  return out;
}

/** The repository path a relative or `~/` specifier points at; undefined for a package. */
function target(file: string, spec: string): string | undefined {
  if (spec.startsWith('~/')) return path.join('src', spec.slice(2));
  if (spec.startsWith('.')) return path.relative(root, path.resolve(root, path.dirname(file), spec));
  return undefined;
}

const under = (p: string, dir: string) => p === dir || p.startsWith(dir + path.sep) || p.startsWith(dir + '/');

/** Every (file, imported repository path) pair under dir. */
function edges(dir: string): { file: string; to: string }[] {
  return filesUnder(dir).flatMap((file) => importsOf(file).flatMap((spec) => {
    const to = target(file, spec);
    return to ? [{ file, to }] : [];
  }));
}

/** Files reachable from `start` through relative imports (the closure the bundler would see). */
function reachable(start: string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...start];
  while (queue.length) {
    const f = queue.pop()!;
    if (seen.has(f) || !existsSync(path.join(root, f))) continue;
    seen.add(f);
    for (const spec of importsOf(f)) {
      const to = target(f, spec);
      if (to && SOURCE.test(to)) queue.push(to);
    }
  }
  return seen;
}

describe('import rules', () => {
  it('nothing in src/ imports scripts/, test/ or bench/', () => {
    const bad = edges('src').filter((e) => ['scripts', 'test', 'bench'].some((d) => under(e.to, d)));
    expect(bad.map((e) => `${e.file} -> ${e.to}`)).toEqual([]);
  });

  /**
   * Validator files the runner still reaches, each with its path. Listed, not
   * hidden: the test fails when one is added and when one is gone (then
   * delete its entry).
   */
  const RUNNER_REACHES_VALIDATOR: Record<string, string> = {};

  it('the runner never imports the validator, directly or through another module (known leaks listed)', () => {
    const runner = filesUnder('src/lib/runner');
    expect(edges('src/lib/runner').filter((e) => under(e.to, 'src/lib/validator')).map((e) => `${e.file} -> ${e.to}`)).toEqual([]);
    expect([...reachable(runner)].filter((f) => under(f, 'src/lib/validator')).sort()).toEqual(Object.keys(RUNNER_REACHES_VALIDATOR).sort());
  });

  it('components and pages import only from src/lib/, src/components/ and packages', () => {
    const bad = [...edges('src/components'), ...edges('src/pages')].filter((e) => !under(e.to, 'src/lib') && !under(e.to, 'src/components'));
    expect(bad.map((e) => `${e.file} -> ${e.to}`)).toEqual([]);
  });

  /**
   * Reads of process.env in src/ outside src/lib/site/, each with its reason.
   * Passing the environment on to a child process is not a read of a setting.
   */
  const ENV_EXCEPTIONS: Record<string, string> = {
    // KIND_VERSION and CLUSTER_FEATURES describe a reader's own cluster to the
    // runner, and it finds kind under the cluster cache; the runner is being
    // moved behind a kubectl seam, after which it takes them from siteConfig.
    'src/lib/runner/cluster.ts': 'runner overrides for a cluster the project did not build',
    // kubectl inherits the caller's environment (KUBECONFIG, PATH).
    'src/lib/runner/kubectl.ts': 'the environment passed on to kubectl',
    // The validator is also a stand-alone CLI (npm run validate) with its own
    // schema cache (VALIDATOR_CACHE_DIR) and Go module cache (GOMODCACHE, and
    // the environment passed on to `go`); the site never runs it.
    'src/lib/validator/schema-cache.ts': 'the validator CLI cache and the environment passed on to go',
  };

  it('src/lib/site/ is the only reader of process.env in src/, apart from the listed exceptions', () => {
    const readers = filesUnder('src').filter((f) => !under(f, 'src/lib/site') && /\bprocess\.env\b/.test(readFileSync(path.join(root, f), 'utf8')));
    expect(readers).toEqual(Object.keys(ENV_EXCEPTIONS).sort());
  });
});

/** Paths at the start of each indented line of a Markdown section (comma-separated lists too). */
function namedPaths(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  expect(start, `no "## ${heading}" section`).toBeGreaterThanOrEqual(0);
  const end = markdown.indexOf('\n## ', start + 1);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  return section
    .split('\n')
    .filter((l) => /^ {4}\S/.test(l))
    .flatMap((l) => l.trim().split(/\s{2,}/)[0]!.split(/,\s*/))
    .filter((p) => /^[\w.][\w./-]*$/.test(p) && (p.includes('/') || p.includes('.')));
}

describe('documents name folders that exist', () => {
  const architecture = readFileSync(path.join(root, 'ARCHITECTURE.md'), 'utf8');
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const named = { 'ARCHITECTURE.md': namedPaths(architecture, 'Folders'), 'README.md': namedPaths(readme, 'Layout') };

  it.each(Object.entries(named))('every path %s names exists', (_doc, paths) => {
    expect(paths.length).toBeGreaterThan(5);
    expect(paths.filter((p) => !existsSync(path.join(root, p)))).toEqual([]);
  });

  it('ARCHITECTURE.md names every folder of src/lib/', () => {
    const folders = readdirSync(path.join(root, 'src', 'lib'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `src/lib/${e.name}/`);
    expect(folders.filter((f) => !named['ARCHITECTURE.md'].includes(f))).toEqual([]);
  });
});
