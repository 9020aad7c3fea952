/**
 * Builds the compact schema bundle (schema-model.ts) from its sources:
 * the Kubernetes OpenAPI v3 documents, the enum values of the generated Go
 * definitions (go-enums.ts) and the Gateway API CRDs. Pure: the caller reads
 * the files (schema-cache.ts).
 */
import { isObj } from '../yaml/plain.ts';
import type { GoEnum } from './go-enums.ts';
import { kindKey, type KindInfo, type SchemaBundle, type SchemaNode, type SchemaType } from './schema-model.ts';
import { GATEWAY_API_VERSION, KUBERNETES_VERSION, SCHEMA_FORMAT } from './versions.ts';

type Json = Record<string, unknown>;

const REF_PREFIX = '#/components/schemas/';
export const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

const TYPES = new Set<SchemaType>(['object', 'array', 'string', 'integer', 'number', 'boolean']);


function refName(ref: string): string {
  return ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref;
}

interface ConvertOptions {
  /** Kubernetes built-ins: `type: object` without properties means any object. CRDs: structural, so it prunes everything. */
  openObjects: boolean;
  /**
   * Keep `default:` values that are a scalar's zero value ("", 0, false) or
   * []. CRDs: yes, the API server sets them. Built-ins: no; their OpenAPI
   * marks required Go fields with the zero value a missing field decodes to,
   * and Go validation then says "Required value", so they must stay missing.
   * `default: {}` is kept for both: on a built-in it marks a struct field that
   * is not a pointer in Go (CSIDriver.spec, Deployment.spec.template), which a
   * missing field decodes to; it is then validated as the empty struct, as
   * the API server does (a pointer, like a selector, has no such default).
   */
  zeroDefaults: boolean;
}

function isScalarZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false || (Array.isArray(v) && v.length === 0);
}

/** The `default:` to keep for a schema node, if any (see ConvertOptions.zeroDefaults). */
function defaultOf(s: Json, opt: ConvertOptions): unknown {
  const d = s.default;
  if (d === undefined || d === null) return undefined;
  return opt.zeroDefaults || !isScalarZero(d) ? d : undefined;
}

/** Converts one OpenAPI / CRD schema node. */
export function convertSchema(s: unknown, opt: ConvertOptions): SchemaNode {
  if (!isObj(s)) return {};
  if (typeof s.$ref === 'string') return { ref: refName(s.$ref) };
  const allOf = Array.isArray(s.allOf) ? s.allOf : undefined;
  if (allOf && allOf.length === 1 && isObj(allOf[0]) && typeof allOf[0].$ref === 'string' && !s.type && !s.properties) {
    const dflt = defaultOf(s, opt);
    return dflt === undefined ? { ref: refName(allOf[0].$ref) } : { ref: refName(allOf[0].$ref), dflt };
  }
  const n: SchemaNode = {};
  if (typeof s.type === 'string' && TYPES.has(s.type as SchemaType)) n.type = s.type as SchemaType;
  if (typeof s.format === 'string' && s.format) n.fmt = s.format;
  if (s['x-kubernetes-int-or-string'] === true || s.format === 'int-or-string') {
    n.special = 'int-or-string';
    delete n.type;
    delete n.fmt;
  }
  if (Array.isArray(s.enum)) n.enum = s.enum as SchemaNode['enum'];
  if (Array.isArray(s.required) && s.required.length) n.req = s.required as string[];
  if (isObj(s.properties)) {
    n.props = {};
    for (const [k, v] of Object.entries(s.properties)) {
      n.props[k] = convertSchema(v, opt);
      // The API server resets status on create and never defaults it from a manifest.
      if (k === 'status') delete n.props[k].dflt;
    }
  }
  if (s.additionalProperties === true) n.addl = true;
  else if (isObj(s.additionalProperties)) n.addl = convertSchema(s.additionalProperties, opt);
  if (isObj(s.items)) n.items = convertSchema(s.items, opt);
  if (s['x-kubernetes-preserve-unknown-fields'] === true) n.preserve = true;
  if (s['x-kubernetes-embedded-resource'] === true) n.embedded = true;
  const lt = s['x-kubernetes-list-type'];
  if (lt === 'map' || lt === 'set' || lt === 'atomic') n.listType = lt;
  if (Array.isArray(s['x-kubernetes-list-map-keys'])) n.listKeys = s['x-kubernetes-list-map-keys'] as string[];
  if (s.nullable === true) n.nullable = true;
  for (const k of ['minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems', 'minProperties', 'maxProperties'] as const) {
    if (typeof s[k] === 'number') n[k] = s[k] as number;
  }
  if (s.exclusiveMinimum === true) n.exclusiveMinimum = true;
  if (s.exclusiveMaximum === true) n.exclusiveMaximum = true;
  if (typeof s.pattern === 'string') n.pattern = s.pattern;
  for (const k of ['oneOf', 'anyOf', 'allOf'] as const) {
    const list = s[k];
    if (Array.isArray(list) && !n.special) n[k] = list.map((x) => convertSchema(x, opt));
  }
  if (isObj(s.not)) n.not = convertSchema(s.not, opt);
  const dflt = defaultOf(s, opt);
  if (dflt !== undefined) n.dflt = dflt;
  if (Array.isArray(s['x-kubernetes-validations'])) n.cel = s['x-kubernetes-validations'].length;
  if (opt.openObjects && n.type === 'object' && !n.props && !n.addl) n.addl = true;
  return n;
}

/** Sets `enum` on the node at `path` inside a definition. */
function applyEnum(def: SchemaNode, e: GoEnum): boolean {
  let n: SchemaNode | undefined = def;
  for (const step of e.path) {
    if (!n) return false;
    if (step === '[]') n = n.items;
    else if (step === '{}') n = n.addl === true ? undefined : n.addl;
    else n = n.props?.[step];
  }
  if (!n || n.ref) return false;
  n.enum = e.values;
  return true;
}

export interface BuildInput {
  /** Parsed api/openapi-spec/v3/*.json documents. */
  openapi: Json[];
  /** Enums from zz_generated.openapi.go (go-enums.ts). */
  enums: Map<string, GoEnum[]>;
  /** Parsed CustomResourceDefinition objects (Gateway API standard channel). */
  crds: Json[];
  /** The same for the experimental channel (`config/crd/experimental`). */
  experimentalCrds: Json[];
}

export interface BuildStats {
  definitions: number;
  kinds: number;
  enums: number;
  /** Gateway API kind versions: standard ones, plus experimental ones that add a kind, a version or fields. */
  crdVersions: number;
}

/** Converts the versions of some CRDs into definitions named `<prefix>:<apiVersion>/<kind>` (added to `defs`) and their kinds. */
function crdKinds(crds: Json[], prefix: string, defs: Record<string, SchemaNode>): Record<string, KindInfo> {
  const kinds: Record<string, KindInfo> = {};
  for (const crd of crds) {
    const spec = isObj(crd.spec) ? crd.spec : undefined;
    if (!spec || !isObj(spec.names) || !Array.isArray(spec.versions)) continue;
    const group = String(spec.group);
    const kind = String(spec.names.kind);
    for (const v of spec.versions as Json[]) {
      const schema = isObj(v.schema) ? v.schema.openAPIV3Schema : undefined;
      const root = convertSchema(schema, { openObjects: false, zeroDefaults: true });
      root.props = { ...(root.props ?? {}) };
      root.props.apiVersion = { type: 'string' };
      root.props.kind = { type: 'string' };
      root.props.metadata = { ref: OBJECT_META };
      const apiVersion = `${group}/${v.name}`;
      const def = `${prefix}:${apiVersion}/${kind}`;
      defs[def] = root;
      kinds[kindKey(apiVersion, kind)] = {
        def,
        source: 'gateway-api',
        namespaced: spec.scope === 'Namespaced',
        served: v.served === true,
        ...(v.deprecated === true
          ? { deprecated: typeof v.deprecationWarning === 'string' ? v.deprecationWarning : `${apiVersion} ${kind} is deprecated` }
          : {}),
      };
    }
  }
  return kinds;
}

export function buildSchemaBundle(input: BuildInput): { bundle: SchemaBundle; stats: BuildStats } {
  const defs: Record<string, SchemaNode> = {};
  const gvkToDef = new Map<string, string>();
  for (const doc of input.openapi) {
    const schemas = isObj(doc.components) && isObj(doc.components.schemas) ? doc.components.schemas : {};
    for (const [name, s] of Object.entries(schemas)) {
      if (name in defs) continue;
      if (name === QUANTITY) defs[name] = { special: 'quantity' };
      else if (name === INT_OR_STRING) defs[name] = { special: 'int-or-string' };
      else defs[name] = convertSchema(s, { openObjects: true, zeroDefaults: false });
      const gvks = isObj(s) && Array.isArray(s['x-kubernetes-group-version-kind']) ? s['x-kubernetes-group-version-kind'] : [];
      for (const g of gvks as Json[]) gvkToDef.set(`${g.group}|${g.version}|${g.kind}`, name);
    }
  }
  let enums = 0;
  for (const [model, list] of input.enums) {
    const def = defs[model];
    if (!def) continue;
    for (const e of list) if (applyEnum(def, e)) enums++;
  }
  const kinds: Record<string, KindInfo> = {};
  for (const doc of input.openapi) {
    const paths = isObj(doc.paths) ? doc.paths : {};
    for (const [p, item] of Object.entries(paths)) {
      if (!isObj(item) || !isObj(item.post)) continue;
      const op = item.post;
      const g = op['x-kubernetes-group-version-kind'];
      if (op['x-kubernetes-action'] !== 'post' || !isObj(g)) continue;
      // Subresources (pods/{name}/binding, .../eviction) are not objects one applies.
      if (/\{name\}/.test(p)) continue;
      const def = gvkToDef.get(`${g.group}|${g.version}|${g.kind}`);
      if (!def) continue;
      const apiVersion = g.group ? `${g.group}/${g.version}` : String(g.version);
      kinds[kindKey(apiVersion, String(g.kind))] = {
        def,
        source: 'kubernetes',
        namespaced: p.includes('{namespace}'),
        served: true,
      };
    }
  }
  const standard = crdKinds(input.crds, 'crd', defs);
  const experimental = crdKinds(input.experimentalCrds, 'crd-x', defs);
  Object.assign(kinds, standard);
  for (const [key, x] of Object.entries(experimental)) {
    const std = standard[key];
    if (!std || (!std.served && x.served)) kinds[key] = { ...x, channel: 'experimental' };
    else if (JSON.stringify(defs[std.def]) !== JSON.stringify(defs[x.def])) std.experimentalDef = x.def;
  }
  // An experimental definition no kind refers to (the same schema as the standard one) is not kept.
  const used = new Set(Object.values(kinds).flatMap((k) => [k.def, k.experimentalDef]));
  for (const name of Object.keys(defs)) if (name.startsWith('crd-x:') && !used.has(name)) delete defs[name];
  const crdVersions = Object.keys(standard).length + Object.values(kinds).filter((k) => k.channel || k.experimentalDef).length;
  const bundle: SchemaBundle = {
    format: SCHEMA_FORMAT,
    kubernetes: KUBERNETES_VERSION,
    gatewayApi: GATEWAY_API_VERSION,
    defs: Object.fromEntries(Object.entries(defs).map(([name, node]) => [name, JSON.stringify(node)])),
    kinds,
  };
  return { bundle, stats: { definitions: Object.keys(defs).length, kinds: Object.keys(kinds).length, enums, crdVersions } };
}
