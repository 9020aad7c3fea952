import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Runs the CLI as `npm run validate` does: the launcher, which runs the prebuilt bundle (building it when stale). */
function validate(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'validate.mjs'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    input: input ?? '',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const FIXTURES = 'test/fixtures/invalid-manifests';
const GOOD = 'examples/services/clusterip-basic/client.yaml';

describe('npm run validate (CLI)', () => {
  // On a fresh clone the first call builds the CLI bundle and the schema cache
  // and says so on stderr; the tests below are about every later call.
  beforeAll(() => {
    expect(validate([GOOD]).status).toBe(0);
  }, 120_000);

  it('exits 0 on valid manifests and prints a summary', () => {
    const r = validate(['examples/services/clusterip-basic']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ok: \d+ resources in 3 files, 0 errors/m);
  });

  it('exits 1 on errors, one `file:line:col  severity  rule  message` line each, with a hint', () => {
    const r = validate([`${FIXTURES}/schema-enum.yaml`]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`${FIXTURES}/schema-enum.yaml:7:9  error  schema-enum  spec.type: string "Clusterip" is not one of ClusterIP, ExternalName, LoadBalancer, NodePort`);
    expect(r.stdout).toContain('    hint: did you mean ClusterIP?');
  });

  it('exits 0 when there are only warnings', () => {
    const r = validate([`${FIXTURES}/pod-security-restricted.yaml`]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('warning  pod-security-restricted');
  });

  it('--format json prints exactly one JSON object of the documented shape', () => {
    const r = validate(['--format', 'json', '--closed-world', `${FIXTURES}/route-backend-exists.yaml`, GOOD]);
    expect(r.status).toBe(1);
    const out = r.stdout.trim();
    expect(out.split('\n')).toHaveLength(1);
    const report = JSON.parse(out);
    expect(Object.keys(report).sort()).toEqual(['files', 'problems', 'resources']);
    expect(report.files).toBe(2);
    expect(report.resources).toBe(5);
    expect(report.problems).toHaveLength(2);
    for (const p of report.problems) expect(Object.keys(p).sort()).toEqual(['column', 'file', 'line', 'message', 'rule', 'severity']);
    expect(report.problems[0]).toMatchObject({ file: `${FIXTURES}/route-backend-exists.yaml`, line: 26, column: 17, rule: 'route-backend-exists', severity: 'error' });
  });

  it('a loose file referring to objects it lacks only warns, unless --closed-world', () => {
    const open = validate(['--format', 'json', `${FIXTURES}/route-backend-exists.yaml`]);
    // The Service that is missing may exist elsewhere: a warning. The Service that is here lacks the port: an error anyway.
    expect(open.status).toBe(1);
    expect(JSON.parse(open.stdout).problems).toMatchObject([
      { rule: 'route-backend-exists', severity: 'warning', message: 'backend Service "web-frontend" is not defined in this unit' },
      { rule: 'route-backend-exists', severity: 'error', message: 'Service "api" has no port 8080 (it has 80)' },
    ]);
    const closed = validate(['--format', 'json', '--closed-world', `${FIXTURES}/route-backend-exists.yaml`]);
    expect(closed.status).toBe(1);
    expect(JSON.parse(closed.stdout).problems.every((p: { severity: string }) => p.severity === 'error')).toBe(true);
  });

  it('experimental Gateway API kinds and fields warn, and --gateway-channel experimental accepts them', () => {
    const file = `${FIXTURES}/gateway-experimental-channel.yaml`;
    const rulesOf = (r: { stdout: string }) => (JSON.parse(r.stdout).problems as Array<{ rule: string; severity: string }>).map((p) => `${p.severity} ${p.rule}`);
    const standard = validate(['--format', 'json', file]);
    expect(rulesOf(standard).filter((x) => x.endsWith('gateway-experimental-channel'))).toEqual(Array(3).fill('warning gateway-experimental-channel'));
    const experimental = validate(['--format', 'json', '--gateway-channel', 'experimental', file]);
    // Only the typo inside spec.tls and the alpha version remain.
    expect(rulesOf(experimental)).toEqual(['warning alpha-api', 'error schema-unknown-field']);
    const bad = validate(['--gateway-channel=beta', file]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--gateway-channel must be standard or experimental, not "beta"');
  });

  it('--format sarif prints a SARIF 2.1.0 log: the rules with help text, each result with file, line and column', () => {
    const r = validate(['--format', 'sarif', `${FIXTURES}/schema-enum.yaml`, `${FIXTURES}/pod-security-restricted.yaml`]);
    expect(r.status).toBe(1);
    const log = JSON.parse(r.stdout);
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.runs).toHaveLength(1);
    const { driver } = log.runs[0].tool;
    const ids = driver.rules.map((x: { id: string }) => x.id);
    expect(ids).toContain('schema-enum');
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of driver.rules) {
      expect(rule.help.text.length).toBeGreaterThan(20);
      expect(['error', 'warning']).toContain(rule.defaultConfiguration.level);
    }
    const results = log.runs[0].results;
    const enumResult = results.find((x: { ruleId: string }) => x.ruleId === 'schema-enum');
    expect(enumResult).toMatchObject({
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: `${FIXTURES}/schema-enum.yaml` }, region: { startLine: 7, startColumn: 9 } } }],
    });
    expect(enumResult.message.text).toContain('"Clusterip" is not one of');
    for (const x of results) expect(driver.rules[x.ruleIndex].id).toBe(x.ruleId);
    expect(results.some((x: { level: string }) => x.level === 'warning')).toBe(true);
  });

  it('reads - from standard input', () => {
    const r = validate(['--format=json', '-'], readFileSync(path.join(ROOT, FIXTURES, 'schema-type.yaml'), 'utf8'));
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.files).toBe(1);
    expect(report.problems.map((p: { file: string; line: number; rule: string }) => `${p.file}:${p.line} ${p.rule}`)).toEqual(['-:7 schema-type', '-:25 schema-type']);
    const ok = validate(['-'], readFileSync(path.join(ROOT, GOOD), 'utf8'));
    expect(ok.status).toBe(0);
  });

  it('exits 2 on a bad flag, naming it', () => {
    const r = validate(['--frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown option --frobnicate');
    const f = validate(['--format', 'xml']);
    expect(f.status).toBe(2);
    expect(f.stderr).toContain('--format must be human, json, sarif');
  });

  it('runs prebuilt JavaScript, rebuilt when one of its sources changed', () => {
    validate(['--help']);
    const stampFile = path.join(ROOT, '.cache', 'validate-cli', 'build', 'inputs.json');
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as { inputs: Record<string, string> };
    const source = 'src/lib/validator/rules.ts';
    const st = statSync(path.join(ROOT, source));
    expect(stamp.inputs[source]).toBe(`${st.size}:${st.mtimeMs}`);
    // Pretend the bundle was built from another version of rules.ts: the next run must rebuild it.
    stamp.inputs[source] = '0:0';
    writeFileSync(stampFile, JSON.stringify(stamp));
    const r = validate(['--list-rules']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('yaml-parse');
    const rebuilt = JSON.parse(readFileSync(stampFile, 'utf8')) as { inputs: Record<string, string> };
    expect(rebuilt.inputs[source]).toBe(`${st.size}:${st.mtimeMs}`);
  });

  it('starts without the example loader and zod: only an example loads them', () => {
    validate(['--help']);
    const build = path.join(ROOT, '.cache', 'validate-cli', 'build');
    /** The modules a module imports statically, and theirs. */
    const loaded = new Set<string>();
    const visit = (file: string) => {
      if (loaded.has(file)) return;
      loaded.add(file);
      for (const m of readFileSync(path.join(build, file), 'utf8').matchAll(/^(?:import|export)\s[^;]*?from\s+"\.\/([^"]+)"/gm)) visit(m[1]!);
    };
    visit('validate.mjs');
    const atStart = [...loaded].map((f) => readFileSync(path.join(build, f), 'utf8'));
    expect(atStart.some((text) => text.includes('// src/lib/validator/validate.ts'))).toBe(true);
    expect(atStart.filter((text) => text.includes('// node_modules/zod/') || text.includes('// src/lib/examples/load.ts'))).toEqual([]);
  });

  it('exits 2 on an unreadable path, naming it', () => {
    const r = validate(['no/such/manifest.yaml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('cannot read no/such/manifest.yaml');
    expect(r.stdout).toBe('');
  });

  it('under --format json or sarif a usage error still prints one object that says why', () => {
    const j = validate(['--format', 'json', 'no/such/manifest.yaml']);
    expect(j.status).toBe(2);
    expect(JSON.parse(j.stdout)).toEqual({ files: 0, resources: 0, problems: [], error: 'cannot read no/such/manifest.yaml: no such file or folder' });
    const s = validate(['--format=sarif', '--frobnicate']);
    expect(s.status).toBe(2);
    expect(JSON.parse(s.stdout).runs[0].invocations[0]).toMatchObject({ executionSuccessful: false, toolExecutionNotifications: [{ message: { text: 'unknown option --frobnicate' } }] });
  });
});
