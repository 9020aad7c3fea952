/**
 * How the schema builder merges the Gateway API channels: small CRDs made up
 * for the test, one per case, so each rule of the merge is seen on its own
 * (the real CRDs are covered by upstream.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { buildSchemaBundle } from '../../src/lib/validator/schema-build.ts';
import { schemaNode } from '../../src/lib/validator/schema-model.ts';
import { ManifestValidator } from '../../src/lib/validator/validate.ts';
import { GATEWAY_API_VERSION } from '../../src/lib/validator/versions.ts';

const GROUP = 'example.gateway.test';

/** A CRD of one kind; `versions` maps a version to [served, extra spec properties]. */
function crd(kind: string, versions: Record<string, [boolean, Record<string, unknown>]>): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: { kind },
      versions: Object.entries(versions).map(([name, [served, extra]]) => ({
        name,
        served,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { name: { type: 'string' }, ...extra } } } } },
      })),
    },
  };
}

const { bundle } = buildSchemaBundle({
  openapi: [],
  enums: new Map(),
  crds: [crd('Same', { v1: [true, {}] }), crd('Wider', { v1: [true, {}] }), crd('Promoted', { v1: [true, {}], v1alpha1: [false, {}] })],
  experimentalCrds: [
    crd('Same', { v1: [true, {}] }),
    crd('Wider', { v1: [true, { tls: { type: 'object', properties: { mode: { type: 'string' } } } }] }),
    crd('Promoted', { v1: [true, {}], v1alpha1: [true, {}] }),
    crd('OnlyHere', { v1alpha2: [true, {}] }),
  ],
});

const obj = (kind: string, version: string, spec: Record<string, unknown>) => `apiVersion: ${GROUP}/${version}\nkind: ${kind}\nmetadata:\n  name: x\nspec: ${JSON.stringify(spec)}\n`;

function problems(text: string, gatewayChannel: 'standard' | 'experimental' = 'standard') {
  const v = new ManifestValidator(bundle, { gatewayChannel });
  return v.validateUnit({ name: 't', files: [{ file: 't.yaml', text }] }).problems.map((p) => `${p.severity} ${p.rule} ${p.message}`);
}

describe('Gateway API channels in the compact schema', () => {
  it('keeps no experimental definition that equals the standard one', () => {
    expect(bundle.kinds[`${GROUP}/v1:Same`]).toEqual({ def: `crd:${GROUP}/v1/Same`, source: 'gateway-api', namespaced: true, served: true });
    expect(Object.keys(bundle.defs).filter((d) => d.startsWith('crd-x:'))).toEqual([`crd-x:${GROUP}/v1/Wider`, `crd-x:${GROUP}/v1alpha1/Promoted`, `crd-x:${GROUP}/v1alpha2/OnlyHere`]);
  });

  it('marks a wider experimental schema, a version only the experimental channel serves and a kind only it has', () => {
    expect(bundle.kinds[`${GROUP}/v1:Wider`]?.experimentalDef).toBe(`crd-x:${GROUP}/v1/Wider`);
    expect(schemaNode(bundle, `crd-x:${GROUP}/v1/Wider`)?.props?.spec?.props?.tls).toBeDefined();
    expect(bundle.kinds[`${GROUP}/v1alpha1:Promoted`]).toMatchObject({ channel: 'experimental', served: true });
    expect(bundle.kinds[`${GROUP}/v1alpha2:OnlyHere`]).toMatchObject({ channel: 'experimental', served: true });
  });

  it('warns once, instead of schema errors, about what only the experimental channel accepts', () => {
    expect(problems(obj('Wider', 'v1', { tls: { mode: 'x' } }))).toEqual([
      `warning gateway-experimental-channel Wider spec.tls is only in the experimental channel of Gateway API ${GATEWAY_API_VERSION}; a cluster with the standard CRDs rejects it`,
    ]);
    expect(problems(obj('OnlyHere', 'v1alpha2', {}))).toEqual([
      `warning alpha-api ${GROUP}/v1alpha2 is an alpha API, disabled unless the cluster turns it on`,
      `warning gateway-experimental-channel ${GROUP}/v1alpha2 OnlyHere is only in the experimental channel of Gateway API ${GATEWAY_API_VERSION}; a cluster with the standard CRDs rejects it`,
    ]);
    expect(problems(obj('Promoted', 'v1alpha1', {}))).toEqual([
      `warning alpha-api ${GROUP}/v1alpha1 is an alpha API, disabled unless the cluster turns it on`,
      `warning gateway-experimental-channel ${GROUP}/v1alpha1 Promoted is only in the experimental channel of Gateway API ${GATEWAY_API_VERSION}; a cluster with the standard CRDs rejects it`,
    ]);
  });

  it('still reports a mistake inside an experimental field, and a mistake the channels share', () => {
    expect(problems(obj('Wider', 'v1', { tls: { mod: 'x' } }))).toEqual([
      `warning gateway-experimental-channel Wider spec.tls is only in the experimental channel of Gateway API ${GATEWAY_API_VERSION}; a cluster with the standard CRDs rejects it`,
      'error schema-unknown-field unknown field "mod" in spec.tls',
    ]);
    expect(problems(obj('Wider', 'v1', { nme: 'x' }))).toEqual(['error schema-unknown-field unknown field "nme" in spec']);
  });

  it('is silent under --gateway-channel experimental, and still checks the experimental schema', () => {
    expect(problems(obj('Wider', 'v1', { tls: { mode: 'x' } }), 'experimental')).toEqual([]);
    expect(problems(obj('Wider', 'v1', { tls: { mod: 'x' } }), 'experimental')).toEqual(['error schema-unknown-field unknown field "mod" in spec.tls']);
  });
});
