/**
 * Builds the site once per test run (shared by the build and browser
 * projects) unless SKIP_SITE_BUILD=1 and dist/ exists. A lock file keeps two
 * projects from building at the same time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { siteConfig } from '../../src/lib/site/config.ts';
import { NO_REPORTS_ENV } from './no-reports.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const stamp = path.join(root, '.cache', 'test-build-stamp');

export default async function setup() {
  if (process.env.SKIP_SITE_BUILD === '1' && existsSync(path.join(root, 'dist', 'index.html'))) return;
  mkdirSync(path.dirname(stamp), { recursive: true });
  // Both projects call this; the second one within the same run reuses the first build.
  const runId = String(process.pid); // the main vitest process, the same for both projects of one run
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === runId && existsSync(path.join(root, 'dist', 'index.html'))) return;
  const lock = path.join(root, '.cache', 'test-build.lock');
  while (existsSync(lock) && Date.now() - statSync(lock).mtimeMs < 300_000) await new Promise((r) => setTimeout(r, 500));
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === runId) return;
  writeFileSync(lock, runId);
  try {
    const started = Date.now();
    const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/build.ts'], { cwd: root, encoding: 'utf8', env: { ...process.env, ...NO_REPORTS_ENV, FORCE_COLOR: '0' } });
    if (r.status !== 0) throw new Error(`site build failed:\n${r.stdout}\n${r.stderr}`);
    writeFileSync(siteConfig(root, {}).lastBuildMsFile, String(Date.now() - started));
    writeFileSync(stamp, runId);
  } finally {
    rmSync(lock, { force: true });
  }
}
