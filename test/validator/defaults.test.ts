/**
 * Schema defaults are applied before validation, as the API server does:
 * the Gateway API's own gateway-addresses example relies on
 * `addresses[].type` defaulting to IPAddress before the CRD's "exactly one
 * of" check.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadSchemaBundle } from '../../src/lib/validator/schema-cache.ts';
import { ManifestValidator } from '../../src/lib/validator/validate.ts';

const validator = new ManifestValidator(loadSchemaBundle());

function errors(text: string) {
  return validator.validateUnit({ name: 't', files: [{ file: 't.yaml', text }] }).problems.filter((p) => p.severity === 'error');
}

const gateway = (addresses: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  gatewayClassName: example
  addresses:
${addresses}
  listeners: [{name: http, port: 80, protocol: HTTP}]
`;

describe('schema defaults', () => {
  it('the upstream gateway-addresses example (Gateway API v1.4.1) gets no error', () => {
    const text = readFileSync('test/validator/upstream/gateway-addresses.yaml', 'utf8');
    expect(errors(text)).toEqual([]);
  });

  it('a defaulted field is validated with its default: type IPAddress needs an IP value', () => {
    const e = errors(gateway('  - value: example.com'));
    expect(e.map((p) => p.rule)).toContain('schema-constraint');
    expect(errors(gateway('  - type: Hostname\n    value: example.com'))).toEqual([]);
    expect(errors(gateway('  - value: 10.0.0.1'))).toEqual([]);
  });

  it('core defaults with a value (ServicePort protocol TCP) apply; zero-value markers do not hide required fields', () => {
    const svc = `apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  ports:
  - {name: a, port: 80}
  - {name: b, port: 80, protocol: TCP}
`;
    // Both ports are 80/TCP once protocol is defaulted: a duplicate entry.
    expect(errors(svc).map((p) => p.rule)).toContain('schema-duplicate-entry');
    const pod = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - image: registry.k8s.io/pause:3.10
`;
    // Container.name is marked default "" in the OpenAPI document; it is still required.
    expect(errors(pod).map((p) => `${p.rule} ${p.message}`)).toContain('schema-required spec.containers[0]: required field "name" is missing');
  });

  it('a missing struct that is not a pointer in Go is validated as the empty struct, as the API server does', () => {
    // kubernetes test/e2e/testing-manifests/storage-csi/mock/csi-mock-driverinfo.yaml: "Intentionally no spec".
    expect(errors('apiVersion: storage.k8s.io/v1\nkind: CSIDriver\nmetadata: {name: mock.storage.k8s.io}\n')).toEqual([]);
    // An empty RoleRef is not valid: its own required fields are reported.
    const rb = errors('apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb}\nsubjects: [{kind: User, name: u, apiGroup: rbac.authorization.k8s.io}]\n');
    expect(rb.map((p) => p.message)).toEqual(expect.arrayContaining(['roleRef: required field "name" is missing', 'roleRef: required field "kind" is missing']));
    // A pointer (a Deployment's selector) has no such default: still required.
    const dep = errors('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: c, image: i}]}\n');
    expect(dep.map((p) => p.message)).toContain('spec: required field "selector" is missing');
  });

  it('status is not defaulted (the API server resets it on create)', () => {
    expect(errors('apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: c, image: i}]}\n')).toEqual([]);
  });
});
