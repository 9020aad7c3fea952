/**
 * Exports the compact schema bundle as JSON Schema files in kubeconform's
 * "standalone-strict" layout (`<kind><kindSuffix>.json`, unknown fields
 * rejected), so the benchmark can run kubeconform against exactly the same
 * schemas (the same OpenAPI v3 documents, enums and Gateway API CRDs) as
 * this validator. kubeconform's own converter (openapi2jsonschema) is
 * Python; this is the same conversion in TypeScript.
 */
import { type SchemaBundle, type SchemaNode, schemaNode } from '../src/lib/validator/schema-model.ts';

type Json = Record<string, unknown>;

function defKey(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** kubeconform's file name for a kind: registry.go schemaPath(). */
export function kubeconformFileName(apiVersion: string, kind: string): string {
  const groupParts = apiVersion.split('/');
  const versionParts = groupParts[0]!.split('.');
  let kindSuffix = `-${versionParts[0]!.toLowerCase()}`;
  if (groupParts.length > 1) kindSuffix += `-${groupParts[1]!.toLowerCase()}`;
  return `${kind.toLowerCase()}${kindSuffix}.json`;
}

function convert(n: SchemaNode, need: (ref: string) => string): Json {
  if (n.ref) return { $ref: `#/definitions/${need(n.ref)}` };
  if (n.special === 'int-or-string') return { oneOf: [{ type: 'integer' }, { type: 'string' }] };
  if (n.special === 'quantity') return { oneOf: [{ type: 'string' }, { type: 'number' }] };
  const s: Json = {};
  if (n.type) s.type = [n.type, 'null'];
  if (n.enum) s.enum = n.enum;
  if (n.props) {
    const props: Json = {};
    for (const [k, v] of Object.entries(n.props)) props[k] = convert(v, need);
    s.properties = props;
  }
  if (n.addl === true || n.preserve) {
    // any additional properties
  } else if (n.addl) s.additionalProperties = convert(n.addl, need);
  else if (n.props || n.type === 'object') s.additionalProperties = false;
  if (n.req) s.required = n.req;
  if (n.items) s.items = convert(n.items, need);
  for (const k of ['minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'minItems', 'maxItems', 'minProperties', 'maxProperties'] as const) {
    if (n[k] !== undefined) s[k] = n[k];
  }
  if (n.oneOf) s.oneOf = n.oneOf.map((x) => convert(x, need));
  if (n.anyOf) s.anyOf = n.anyOf.map((x) => convert(x, need));
  if (n.allOf) s.allOf = n.allOf.map((x) => convert(x, need));
  if (n.not) s.not = convert(n.not, need);
  return s;
}

/** One JSON Schema document per kind: file name -> schema. */
export function exportKubeconformSchemas(bundle: SchemaBundle): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const [key, info] of Object.entries(bundle.kinds)) {
    const i = key.lastIndexOf(':');
    const apiVersion = key.slice(0, i);
    const kind = key.slice(i + 1);
    const definitions: Json = {};
    const pending: string[] = [];
    const need = (ref: string): string => {
      const k = defKey(ref);
      if (!(k in definitions)) {
        definitions[k] = {};
        pending.push(ref);
      }
      return k;
    };
    const root = convert(schemaNode(bundle, info.def) ?? {}, need);
    while (pending.length) {
      const ref = pending.pop()!;
      definitions[defKey(ref)] = convert(schemaNode(bundle, ref) ?? {}, need);
    }
    out.set(kubeconformFileName(apiVersion, kind), { $schema: 'http://json-schema.org/draft-07/schema#', ...root, definitions });
  }
  return out;
}
