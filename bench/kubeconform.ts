/**
 * The kubeconform binary the benchmark compares against (KUBECONFORM_VERSION
 * below), built once from the Go module proxy into
 * .cache/bin/ (gitignored). No prebuilt binary can be downloaded on these
 * machines, so it needs Go; without Go it throws, saying so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../src/lib/validator/schema-cache.ts';

/** kubeconform release the benchmark builds and compares against. */
export const KUBECONFORM_VERSION = 'v0.8.0';

export function ensureKubeconform(log: (line: string) => void = () => {}): string {
  const binDir = path.join(REPO_ROOT, '.cache', 'bin');
  const bin = path.join(binDir, 'kubeconform');
  const marker = `${bin}.version`;
  if (existsSync(bin) && existsSync(marker) && readFileSync(marker, 'utf8').trim() === KUBECONFORM_VERSION) return bin;
  log(`building kubeconform ${KUBECONFORM_VERSION} (go install) into ${path.relative(process.cwd(), binDir)}`);
  mkdirSync(binDir, { recursive: true });
  const r = spawnSync('nice', ['-n', '10', 'go', 'install', `github.com/yannh/kubeconform/cmd/kubeconform@${KUBECONFORM_VERSION}`], {
    cwd: os.tmpdir(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GOBIN: binDir, GOFLAGS: '-mod=mod', CGO_ENABLED: '0' },
  });
  if (r.error || r.status !== 0) {
    throw new Error(`go install github.com/yannh/kubeconform/cmd/kubeconform@${KUBECONFORM_VERSION} failed (is Go installed?): ${r.error?.message ?? r.stderr.trim()}`);
  }
  writeFileSync(marker, `${KUBECONFORM_VERSION}\n`);
  return bin;
}
