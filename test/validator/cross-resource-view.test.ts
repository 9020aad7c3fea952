/**
 * The validator keeps of each object only what the rules across objects read
 * (crossResourceView), so a large unit is not held whole in memory. These
 * tests hold it to that: on every manifest with a cross-resource problem the
 * repository has, the rules find exactly the same on the views as on the
 * whole objects.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { crossResourceChecks, crossResourceView, NO_ENVIRONMENT } from '../../src/lib/validator/cross-resource.ts';
import { loadSchemaBundle } from '../../src/lib/validator/schema-cache.ts';
import { ManifestValidator } from '../../src/lib/validator/validate.ts';
import { extractResources, ManifestSource, type Resource } from '../../src/lib/yaml/manifest-source.ts';

const FIXTURES = 'test/fixtures/invalid-manifests';

function resourcesOf(file: string, text = readFileSync(file, 'utf8')): Resource[] {
  return extractResources(new ManifestSource(file, text)).resources.filter((r) => r.apiVersion && r.kind);
}

/** Each finding as text, with the object it is on (the view and the whole object share source, doc and base). */
function found(resources: Resource[]): string[] {
  return crossResourceChecks(resources, NO_ENVIRONMENT).map(({ res, finding }) => `${res.source.file}#${res.doc}/${res.base.join('.')} ${finding.rule} ${finding.path.join('.')} ${finding.message}`);
}

describe('crossResourceView', () => {
  const files = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => path.join(FIXTURES, f));

  it('gives the rules across objects the same findings as the whole objects, on every fixture', () => {
    let findings = 0;
    for (const file of files) {
      const whole = resourcesOf(file);
      const expected = found(whole);
      findings += expected.length;
      expect(found(whole.map(crossResourceView)), file).toEqual(expected);
    }
    // The fixtures do exercise the rules: one per cross-resource rule at least.
    expect(findings).toBeGreaterThanOrEqual(10);
  });

  it('keeps a Job\'s manualSelector and selector, and drops what no rule reads', () => {
    const text = `apiVersion: batch/v1
kind: Job
metadata:
  name: once
  annotations:
    note: long text no rule reads
spec:
  manualSelector: true
  selector:
    matchLabels:
      app: other
  template:
    metadata:
      labels:
        app: once
    spec:
      restartPolicy: Never
      containers:
        - name: main
          image: registry.k8s.io/e2e-test-images/agnhost:2.66.1
          args: [pause]
          ports:
            - name: http
              containerPort: 8080
`;
    const [job] = resourcesOf('job.yaml', text);
    const view = crossResourceView(job!);
    expect(view.obj).toEqual({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'once' },
      spec: {
        manualSelector: true,
        selector: { matchLabels: { app: 'other' } },
        template: { metadata: { labels: { app: 'once' } }, spec: { containers: [{ name: 'main', ports: [{ name: 'http', containerPort: 8080 }] }] } },
      },
    });
    expect(found([view]).map((f) => f.split(' ')[1])).toEqual(['workload-selector-matches-template']);
  });

  it('keeps the handlers that name a port: probes and lifecycle hooks', () => {
    const text = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: main
      image: registry.k8s.io/e2e-test-images/agnhost:2.66.1
      ports: [{name: http, containerPort: 8080}]
      readinessProbe: {httpGet: {port: htp}}
      lifecycle: {preStop: {httpGet: {port: admin}}}
`;
    const whole = resourcesOf('pod.yaml', text);
    const expected = found(whole);
    expect(expected.map((f) => f.split(' ').slice(1, 3).join(' '))).toEqual(['probe-port-exists spec.containers.0.readinessProbe.httpGet.port', 'probe-port-exists spec.containers.0.lifecycle.preStop.httpGet.port']);
    expect(found(whole.map(crossResourceView))).toEqual(expected);
  });

  it('leaves the whole object of the kinds the rules read whole', () => {
    const [svc] = resourcesOf('svc.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations: {a: b}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n');
    expect(crossResourceView(svc!)).toBe(svc);
  });
});

describe('validateUnit on a large unit', () => {
  it('reports the same problems whether a file is held as text or read again from disk', () => {
    const validator = new ManifestValidator(loadSchemaBundle());
    const file = path.join(FIXTURES, 'service-target-port.yaml');
    const text = readFileSync(file, 'utf8');
    const held = validator.validateUnit({ name: file, files: [{ file, text }] });
    let reads = 0;
    const reread = validator.validateUnit({
      name: file,
      files: [
        {
          file,
          text: () => {
            reads++;
            return text;
          },
        },
      ],
    });
    expect(reread.problems).toEqual(held.problems);
    expect(held.problems.some((p) => p.rule === 'service-target-port')).toBe(true);
    // Read once to validate, once more to locate what the rules across objects found after the file was released.
    expect(reads).toBe(2);
  });
});
