// actionlint (github.com/rhysd/actionlint, ACTIONLINT_VERSION of the pin file)
// over every workflow in .github/workflows: expression and context types,
// `needs` and outputs, permissions, action inputs, runner labels, cron. Any
// finding fails the test with file:line:col [rule] message. The binary is built
// from source by scripts/lib/actionlint.sh (needs Go); without Go this FAILS,
// saying so, rather than skipping.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PINS } from '../../src/lib/pins.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const script = path.join(repo, 'scripts', 'lib', 'actionlint.sh');
const workflowsDir = path.join(repo, '.github', 'workflows');

/** One finding, as actionlint's `{{json .}}` format prints it. */
type Finding = { message: string; filepath: string; line: number; column: number; kind: string };

/** Builds (once) and returns the actionlint binary, or throws with the script's own error message. */
function actionlint(): string {
  const r = spawnSync('bash', [script], { cwd: repo, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`scripts/lib/actionlint.sh failed (exit ${r.status}):\n${r.stderr.trim()}`);
  return r.stdout.trim();
}

/**
 * Runs actionlint over the given files and returns its findings. shellcheck and
 * pyflakes are switched off: actionlint uses them only when they happen to be on
 * PATH, and a test must mean the same on every machine.
 */
function lint(bin: string, files: string[], cwd = repo): Finding[] {
  const r = spawnSync(bin, ['-format', '{{json .}}', '-shellcheck=', '-pyflakes=', ...files], { cwd, encoding: 'utf8' });
  // 0: no finding; 1: findings; anything else: actionlint itself failed.
  if (r.status !== 0 && r.status !== 1) throw new Error(`actionlint exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout || '[]') as Finding[];
}

const show = (f: Finding) => `${f.filepath}:${f.line}:${f.column} [${f.kind}] ${f.message}`;

describe(`actionlint ${PINS.ACTIONLINT_VERSION} over .github/workflows`, () => {
  let bin = '';
  beforeAll(() => {
    bin = actionlint();
  }, 300_000);

  it('is the pinned release', () => {
    expect(execFileSync(bin, ['-version'], { encoding: 'utf8' }).split('\n')[0]).toBe(PINS.ACTIONLINT_VERSION);
  });

  it('finds nothing in any workflow', () => {
    const files = readdirSync(workflowsDir)
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => path.join('.github', 'workflows', f));
    expect(files).toEqual(expect.arrayContaining([path.join('.github', 'workflows', 'pr.yml'), path.join('.github', 'workflows', 'deploy.yml')]));
    expect(lint(bin, files).map(show)).toEqual([]);
  });

  describe('catches what it is here to catch', () => {
    let dir = '';
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'actionlint-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('an undefined job output, a bad permission and a bad runner label', () => {
      const file = path.join(dir, 'bad.yml');
      writeFileSync(
        file,
        [
          'on: push',
          'jobs:',
          '  a:',
          '    runs-on: ubuntu-latst',
          '    permissions:',
          '      pages: writ',
          '    steps:',
          '      - run: echo a',
          '  b:',
          '    needs: a',
          '    runs-on: ubuntu-latest',
          '    steps:',
          '      - run: echo "${{ needs.a.outputs.url }}"',
          '',
        ].join('\n'),
      );
      const kinds = lint(bin, [file], dir).map((f) => `${f.line}:${f.kind}`);
      expect(kinds).toEqual(expect.arrayContaining(['4:runner-label', '6:permissions', '13:expression']));
    });
  });
});

describe('scripts/lib/actionlint.sh', () => {
  it('without Go, fails with a message that says what to install (no silent skip)', () => {
    // A copy of the script and the pin file in a root with no cache, on a PATH with no go.
    const root = mkdtempSync(path.join(tmpdir(), 'actionlint-nogo-'));
    try {
      for (const rel of ['scripts/lib/actionlint.sh', 'scripts/cluster/versions.env']) {
        mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        copyFileSync(path.join(repo, rel), path.join(root, rel));
      }
      const r = spawnSync('/bin/bash', [path.join(root, 'scripts/lib/actionlint.sh')], { encoding: 'utf8', env: { PATH: '/nonexistent' } });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`error: Go is needed to build actionlint ${PINS.ACTIONLINT_VERSION}`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
