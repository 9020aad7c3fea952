import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureKubeconform } from '../../bench/kubeconform.ts';
import { formatProblem } from '../../src/lib/problems.ts';
import { generateCorpus } from '../../bench/corpus.ts';
import { exportKubeconformSchemas, kubeconformFileName } from '../../bench/kubeconform-schemas.ts';
import { loadSchemaBundle } from '../../src/lib/validator/schema-cache.ts';
import { ManifestValidator } from '../../src/lib/validator/validate.ts';
import { KUBERNETES_VERSION } from '../../src/lib/validator/versions.ts';

/** A small version of `npm run bench:validate`: the corpus is valid and the exported kubeconform schemas are strict. */
describe('benchmark (smoke)', () => {
  const bundle = loadSchemaBundle();

  it('generates a corpus the validator accepts without a problem', () => {
    const validator = new ManifestValidator(bundle);
    const byDir = new Map<string, Array<{ file: string; text: string }>>();
    let expected = 0;
    for (const f of generateCorpus(520)) {
      const dir = path.dirname(f.path);
      byDir.set(dir, [...(byDir.get(dir) ?? []), { file: f.path, text: f.text }]);
      expected += f.resources;
    }
    expect(expected).toBeGreaterThanOrEqual(520);
    let resources = 0;
    const problems = [];
    for (const [dir, files] of byDir) {
      const r = validator.validateUnit({ name: dir, files });
      resources += r.resources;
      problems.push(...r.problems);
    }
    expect(problems.map(formatProblem).join('\n')).toBe('');
    expect(resources).toBe(expected);
  });

  it('names kubeconform schema files as kubeconform does', () => {
    expect(kubeconformFileName('apps/v1', 'Deployment')).toBe('deployment-apps-v1.json');
    expect(kubeconformFileName('v1', 'Service')).toBe('service-v1.json');
    expect(kubeconformFileName('networking.k8s.io/v1', 'Ingress')).toBe('ingress-networking-v1.json');
    expect(kubeconformFileName('gateway.networking.k8s.io/v1', 'HTTPRoute')).toBe('httproute-gateway-v1.json');
    const schemas = exportKubeconformSchemas(bundle);
    expect(schemas.get('deployment-apps-v1.json')?.additionalProperties).toBe(false);
  });

  it('kubeconform accepts the corpus and rejects an unknown field with the exported schemas', () => {
    // built once from the Go module proxy when missing; without Go this fails, saying so
    const kubeconform = ensureKubeconform();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kc-smoke-'));
    try {
      const sub = path.join(dir, 'schemas', `${KUBERNETES_VERSION}-standalone-strict`);
      mkdirSync(sub, { recursive: true });
      for (const [name, s] of exportKubeconformSchemas(bundle)) writeFileSync(path.join(sub, name), JSON.stringify(s));
      const [shared, app] = [...generateCorpus(13)];
      writeFileSync(path.join(dir, 'ok.yaml'), `${shared!.text}---\n${app!.text}`);
      writeFileSync(path.join(dir, 'bad.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: { name: s }\nspec:\n  portz: []\n');
      const run = (file: string) =>
        spawnSync(kubeconform, ['-strict', '-summary', '-output', 'json', '-kubernetes-version', KUBERNETES_VERSION.slice(1), '-schema-location', `${dir}/schemas/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json`, file], { encoding: 'utf8' });
      const ok = JSON.parse(run(path.join(dir, 'ok.yaml')).stdout);
      expect(ok.summary).toMatchObject({ valid: 13, invalid: 0, errors: 0, skipped: 0 });
      const bad = JSON.parse(run(path.join(dir, 'bad.yaml')).stdout);
      expect(bad.summary).toMatchObject({ valid: 0, invalid: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000); // a first, cold build of kubeconform takes about a minute
});
