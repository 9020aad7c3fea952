/**
 * Builds a tiny fixture site (test/fixtures/sites/<name>/content and
 * examples) with the real build script (scripts/build.ts) into a fresh
 * temporary ASTRO_OUT_DIR, for the build tests that need a site of their own.
 * Neither report of the repository is read: CLUSTER_REPORT and
 * CONFORMANCE_REPORT point at a file that does not exist unless the caller
 * passes its own.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { root } from './site.ts';

export const fixtureSites = path.join(root, 'test', 'fixtures', 'sites');

export interface FixtureBuild {
  status: number | null;
  output: string;
  outDir: string;
  ms: number;
}

/** Builds fixture site `name` under `tmp` (a temporary folder the caller removes); `env` overrides the defaults. */
export function buildFixtureSite(name: string, tmp: string, env: Record<string, string> = {}): FixtureBuild {
  const outDir = path.join(mkdtempSync(path.join(tmp, `${name}-`)), 'site');
  const started = Date.now();
  const r = spawnSync(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/build.ts'], {
    cwd: root,
    encoding: 'utf8',
    env: {
      ...process.env,
      FORCE_COLOR: '0',
      NO_COLOR: '1',
      CONTENT_DIR: path.join(fixtureSites, name, 'content'),
      EXAMPLES_DIR: path.join(fixtureSites, name, 'examples'),
      ASTRO_OUT_DIR: outDir,
      // No report unless a test gives one: the fixture must not pick up the repository's.
      CLUSTER_REPORT: path.join(tmp, 'no-report.json'),
      CONFORMANCE_REPORT: path.join(tmp, 'no-conformance-report.json'),
      ...env,
    },
  });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}`, outDir, ms: Date.now() - started };
}
