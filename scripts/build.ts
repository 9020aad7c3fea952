/**
 * Builds the site into a scratch folder and moves it to dist/ only when the
 * build succeeded, so a failed build never leaves a partial site behind.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { siteConfig } from '../src/lib/site/config.ts';

const config = siteConfig();
const root = config.root;
const finalDir = config.outDir;
const scratch = path.join(config.cacheDir, `build-${process.pid}`);
mkdirSync(path.dirname(scratch), { recursive: true });
const started = Date.now();
const astro = path.join(root, 'node_modules', '.bin', 'astro');
const r = spawnSync(astro, ['build', ...process.argv.slice(2)], {
  stdio: 'inherit',
  // Always a production build: a caller's NODE_ENV (vitest sets "test") would make
  // import.meta.env.DEV true, and Starlight would ship its dev-only search placeholder.
  env: { ...process.env, NODE_ENV: 'production', ASTRO_OUT_DIR: scratch },
});
if (r.status !== 0) {
  rmSync(scratch, { recursive: true, force: true });
  console.error(`build failed; ${path.relative(root, finalDir)}/ left as it was`);
  process.exit(r.status ?? 1);
}
const old = `${finalDir}.old-${process.pid}`;
if (existsSync(finalDir)) renameSync(finalDir, old);
renameSync(scratch, finalDir);
rmSync(old, { recursive: true, force: true });
console.log(`built ${path.relative(root, finalDir)}/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
