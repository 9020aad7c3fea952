/**
 * Closed world: rules that rest on an object being absent from the unit
 * (a Service selecting no pod, a route whose Gateway or backend is not
 * there, a class nobody provides, a NetworkPolicy selecting nothing) are
 * errors inside an example, warnings on loose files, and errors anywhere
 * with --closed-world. Problems that do not depend on absence (a Gateway of
 * the unit without the listener a route names) stay errors everywhere.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Problem } from '../../src/lib/problems.ts';
import { collectUnits } from '../../src/lib/validator/inputs.ts';
import { loadSchemaBundle } from '../../src/lib/validator/schema-cache.ts';
import { ManifestValidator } from '../../src/lib/validator/validate.ts';

const bundle = loadSchemaBundle();

function run(paths: string[], closedWorld = false): Problem[] {
  const v = new ManifestValidator(bundle, { closedWorld });
  return collectUnits(paths, () => '').flatMap((u) => v.validateUnit(u).problems);
}

const LOOSE = `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec:
  parentRefs: [{name: shared-gateway}]
  rules: [{backendRefs: [{name: elsewhere, port: 80}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  gatewayClassName: someone-elses
  listeners: [{name: http, port: 80, protocol: HTTP}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r2}
spec:
  parentRefs: [{name: gw, sectionName: https}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny}
spec:
  podSelector: {matchLabels: {app: db}}
`;

const ABSENT_RULES = ['service-selector-matches', 'route-parent-resolves', 'route-backend-exists', 'gateway-class-resolves', 'networkpolicy-selects-pods'];

function looseFile(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'closed-world-'));
  const f = path.join(dir, 'loose.yaml');
  writeFileSync(f, LOOSE);
  return f;
}

describe('closed world', () => {
  it('loose files: absent objects are warnings with a hint, other cross-resource problems stay errors', () => {
    const problems = run([looseFile()]);
    for (const id of ABSENT_RULES) {
      const hits = problems.filter((p) => p.rule === id && /not defined in this unit|matches no pod|selects no pod/.test(p.message));
      expect(hits.length, `${id}: ${JSON.stringify(problems)}`).toBeGreaterThan(0);
      for (const p of hits) {
        expect(p.severity).toBe('warning');
        expect(p.hint).toContain('--closed-world');
      }
    }
    // r2 names a listener its Gateway (in the unit) lacks: wrong whatever else is applied.
    expect(problems.find((p) => p.rule === 'route-parent-resolves' && p.message.includes('no listener named "https"'))?.severity).toBe('error');
  });

  it('--closed-world: the same findings are errors', () => {
    const problems = run([looseFile()], true);
    for (const id of ABSENT_RULES) {
      const hits = problems.filter((p) => p.rule === id);
      expect(hits.length, id).toBeGreaterThan(0);
      for (const p of hits) expect(p.severity, `${id}: ${p.message}`).toBe('error');
    }
  });

  it('the same object in two loose files of a folder warns (they may be alternatives); twice in one file is an error', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'closed-world-dup-'));
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: same}\n';
    writeFileSync(path.join(dir, 'a.yaml'), cm);
    writeFileSync(path.join(dir, 'b.yaml'), cm);
    writeFileSync(path.join(dir, 'c.yaml'), `apiVersion: v1\nkind: Secret\nmetadata: {name: twice}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: twice}\n`);
    const dups = run([dir]).filter((p) => p.rule === 'duplicate-resource');
    expect(dups.map((p) => `${path.basename(p.file)} ${p.severity}`).sort()).toEqual(['b.yaml warning', 'c.yaml error']);
    expect(run([dir], true).filter((p) => p.rule === 'duplicate-resource').map((p) => p.severity)).toEqual(['error', 'error']);
  });

  it('inside an example (a folder with example.yaml) they are errors without the flag', () => {
    // The clusterip-basic example without its Deployment: the Service selects nothing.
    const root = mkdtempSync(path.join(os.tmpdir(), 'closed-world-ex-'));
    const dir = path.join(root, 'services', 'clusterip-basic');
    cpSync('examples/services/clusterip-basic', dir, { recursive: true });
    const spec = path.join(dir, 'example.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('manifests: [deployment.yaml, service.yaml, client.yaml]', 'manifests: [service.yaml, client.yaml]'));
    const problems = run([dir]);
    const hit = problems.find((p) => p.rule === 'service-selector-matches');
    expect(hit, JSON.stringify(problems)).toBeDefined();
    expect(hit!.severity).toBe('error');
    // The same Service file alone, outside its example, only warns.
    const alone = run([path.join(dir, 'service.yaml')]).find((p) => p.rule === 'service-selector-matches');
    expect(alone?.severity).toBe('warning');
  });
});
