/**
 * Strict schema validation: compiles the compact schema (schema-model.ts)
 * into one closure per schema node, once, lazily per definition, and runs
 * a resource through it. Semantics follow the API server with strict field
 * validation: unknown fields, wrong types (Go's JSON decoder is strict:
 * `value: 8080` for a string field is an error), missing required fields,
 * enums, int32 range, quantities, base64 bytes; for Gateway API CRDs also
 * pattern, length, min/max, item counts and oneOf/anyOf/not. `null` is
 * accepted anywhere (the API server treats it as unset) but does not satisfy
 * `required`. CEL rules (x-kubernetes-validations) are not evaluated.
 */
import { closest, describeValue, type Finding } from './findings.ts';
import { formatPath, type PathSeg } from '../yaml/plain.ts';
import { DEFINITION_CHECKS, type DefinitionCheck } from './names.ts';
import { type KindInfo, type SchemaBundle, type SchemaNode, schemaNode } from './schema-model.ts';

export class Ctx {
  path: PathSeg[] = [];
  findings: Finding[] = [];
  report(rule: string, message: string, opts: { rel?: PathSeg[]; at?: 'key' | 'value'; hint?: string; severity?: 'error' | 'warning' } = {}): void {
    const path = opts.rel ? [...this.path, ...opts.rel] : [...this.path];
    const f: Finding = { rule, message, path };
    if (opts.at) f.at = opts.at;
    if (opts.hint) f.hint = opts.hint;
    if (opts.severity) f.severity = opts.severity;
    this.findings.push(f);
  }
}

type V = (v: unknown, c: Ctx) => void;

const QUANTITY = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;

function isIPv6(s: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(s) || s.split('::').length > 2) return false;
  const parts = s.split(':');
  const last = parts[parts.length - 1]!;
  if (last.includes('.') && !IPV4.test(last)) return false;
  const groups = parts.filter((p, i) => p !== '' || (i > 0 && i < parts.length - 1)).length + (last.includes('.') ? 1 : 0);
  return s.includes('::') ? groups <= 8 : groups === 8 && parts.every((p) => p.length > 0 && (p.includes('.') || p.length <= 4));
}

function here(c: Ctx): string {
  return c.path.length ? formatPath(c.path) : '(root)';
}

function typeHint(expected: string, v: unknown): string | undefined {
  if (expected === 'string' && typeof v === 'number') return `quote it: "${v}"`;
  if (expected === 'string' && typeof v === 'boolean') return `quote it; YAML 1.1 reads unquoted yes/no/on/off/y/n/true/false as booleans`;
  if ((expected === 'integer' || expected === 'number') && typeof v === 'string' && /^-?[0-9.]+$/.test(v)) return `remove the quotes: ${v}`;
  if (expected === 'boolean' && typeof v === 'string' && /^(true|false)$/i.test(v)) return `remove the quotes: ${v.toLowerCase()}`;
  if (expected === 'array' && v !== null && typeof v !== 'object') return 'write a list: one "- item" per line, or [a, b]';
  return undefined;
}

function typeOk(t: string, v: unknown): boolean {
  switch (t) {
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint';
    case 'number':
      return typeof v === 'number' || typeof v === 'bigint';
    case 'boolean':
      return typeof v === 'boolean';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
  }
  return true;
}

function typeName(t: string): string {
  return t === 'object' ? 'a mapping' : t === 'array' ? 'a list' : t;
}

export class SchemaValidator {
  private readonly compiledDefs = new Map<string, V>();
  private readonly kinds: SchemaBundle['kinds'];

  constructor(readonly bundle: SchemaBundle) {
    this.kinds = bundle.kinds;
  }

  kindInfo(apiVersion: string, kind: string): KindInfo | undefined {
    return this.kinds[`${apiVersion}:${kind}`];
  }

  /** Validates a whole resource against its kind's schema; findings have paths from the resource root. */
  validate(info: KindInfo, obj: unknown): Finding[] {
    return this.validateDef(info.def, obj);
  }

  /** Validates a whole resource against one definition (e.g. a kind's experimental-channel schema). */
  validateDef(def: string, obj: unknown): Finding[] {
    const c = new Ctx();
    this.def(def)(obj, c);
    return c.findings;
  }

  /** The compiled validator of a definition (compiled on first use). */
  def(name: string): V {
    let v = this.compiledDefs.get(name);
    if (v) return v;
    const node = schemaNode(this.bundle, name);
    if (!node) {
      v = () => {};
      this.compiledDefs.set(name, v);
      return v;
    }
    // Placeholder first: definitions are recursive (JSONSchemaProps, ...).
    let real: V | undefined;
    this.compiledDefs.set(name, (x, c) => real!(x, c));
    const compiled = this.compile(node, true);
    const hook: DefinitionCheck | undefined = DEFINITION_CHECKS[name];
    real = hook
      ? (x, c) => {
          const before = c.findings.length;
          compiled(x, c);
          // Name rules only for values whose structure is right; otherwise the schema problem says enough.
          if (c.findings.length === before && typeof x === 'object' && x !== null && !Array.isArray(x)) {
            hook(x as Record<string, unknown>, (rel, rule, message, opts) => c.report(rule, message, { rel, ...opts }));
          }
        }
      : compiled;
    this.compiledDefs.set(name, real);
    return real;
  }

  /**
   * Compiles one node. `strict`: report unknown fields (false inside
   * oneOf/anyOf/not branches, which only constrain values).
   */
  private compile(n: SchemaNode, strict: boolean): V {
    if (n.ref) {
      const name = n.ref;
      let target: V | undefined;
      return (v, c) => (target ??= this.def(name))(v, c);
    }
    const checks: V[] = [];
    if (n.special === 'int-or-string') {
      checks.push((v, c) => {
        if (typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint') return;
        c.report('schema-type', `${here(c)}: expected an integer or a string, got ${describeValue(v)}`);
      });
    } else if (n.special === 'quantity') {
      checks.push((v, c) => {
        if (typeof v === 'number' || typeof v === 'bigint') return;
        if (typeof v === 'string') {
          if (!QUANTITY.test(v)) c.report('schema-format', `${here(c)}: "${v}" is not a quantity`, { hint: 'write a number with an optional suffix: 100m, 0.5, 64Mi, 1Gi, 2k' });
          return;
        }
        c.report('schema-type', `${here(c)}: expected a quantity (string or number), got ${describeValue(v)}`);
      });
    } else if (n.type) {
      const t = n.type;
      checks.push((v, c) => {
        if (!typeOk(t, v)) {
          const hint = typeHint(t, v);
          c.report('schema-type', `${here(c)}: expected ${typeName(t)}, got ${describeValue(v)}`, hint ? { hint } : {});
          throw STOP;
        }
      });
    }
    if (n.enum) {
      const allowed = n.enum;
      const set = new Set(allowed);
      checks.push((v, c) => {
        if (set.has(v as never)) return;
        const shown = allowed.filter((a) => a !== '').map((a) => String(a));
        const guess = typeof v === 'string' ? closest(v, shown) : undefined;
        c.report('schema-enum', `${here(c)}: ${describeValue(v)} is not one of ${shown.join(', ')}`, guess ? { hint: `did you mean ${guess}?` } : {});
      });
    }
    if (n.fmt === 'int32') {
      checks.push((v, c) => {
        if ((typeof v === 'number' || typeof v === 'bigint') && (v < -2147483648 || v > 2147483647)) c.report('schema-format', `${here(c)}: ${v} does not fit in int32`);
      });
    } else if (n.fmt === 'int64') {
      checks.push((v, c) => {
        if ((typeof v === 'number' || typeof v === 'bigint') && (v < -(2n ** 63n) || v > 2n ** 63n - 1n)) c.report('schema-format', `${here(c)}: ${v} does not fit in int64`);
      });
    } else if (n.fmt === 'byte') {
      checks.push((v, c) => {
        if (typeof v === 'string' && !BASE64.test(v.replace(/[\r\n]/g, ''))) {
          c.report('schema-format', `${here(c)}: not valid base64`, { hint: 'Secret data values are base64; put plain text under stringData instead' });
        }
      });
    } else if (n.fmt === 'ipv4' || n.fmt === 'ipv6') {
      const f = n.fmt;
      checks.push((v, c) => {
        if (typeof v === 'string' && !(f === 'ipv4' ? IPV4.test(v) : isIPv6(v))) c.report('schema-format', `${here(c)}: "${v}" is not an ${f} address`);
      });
    }
    // Value constraints (Gateway API CRDs).
    if (n.pattern !== undefined) {
      let re: RegExp | undefined;
      try {
        re = new RegExp(n.pattern, 'u');
      } catch {
        re = undefined;
      }
      if (re) {
        const rx = re;
        checks.push((v, c) => {
          if (typeof v === 'string' && !rx.test(v)) c.report('schema-constraint', `${here(c)}: "${v}" does not match ${n.pattern}`);
        });
      }
    }
    if (n.minLength !== undefined || n.maxLength !== undefined) {
      const min = n.minLength ?? 0;
      const max = n.maxLength ?? Infinity;
      checks.push((v, c) => {
        if (typeof v !== 'string') return;
        const len = [...v].length;
        if (len < min) c.report('schema-constraint', `${here(c)}: must be at least ${min} characters`);
        if (len > max) c.report('schema-constraint', `${here(c)}: must be at most ${max} characters, is ${len}`);
      });
    }
    if (n.minimum !== undefined || n.maximum !== undefined) {
      const min = n.minimum;
      const max = n.maximum;
      checks.push((v, c) => {
        if (typeof v !== 'number' && typeof v !== 'bigint') return;
        if (min !== undefined && (n.exclusiveMinimum ? v <= min : v < min)) c.report('schema-constraint', `${here(c)}: ${v} is below the minimum ${min}`);
        if (max !== undefined && (n.exclusiveMaximum ? v >= max : v > max)) c.report('schema-constraint', `${here(c)}: ${v} is above the maximum ${max}`);
      });
    }
    if (n.minItems !== undefined || n.maxItems !== undefined) {
      const min = n.minItems ?? 0;
      const max = n.maxItems ?? Infinity;
      checks.push((v, c) => {
        if (!Array.isArray(v)) return;
        if (v.length < min) c.report('schema-constraint', `${here(c)}: needs at least ${min} item${min === 1 ? '' : 's'}`);
        if (v.length > max) c.report('schema-constraint', `${here(c)}: allows at most ${max} items, has ${v.length}`);
      });
    }
    if (n.minProperties !== undefined || n.maxProperties !== undefined) {
      const min = n.minProperties ?? 0;
      const max = n.maxProperties ?? Infinity;
      checks.push((v, c) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return;
        const k = Object.keys(v).length;
        if (k < min) c.report('schema-constraint', `${here(c)}: needs at least ${min} field${min === 1 ? '' : 's'}`);
        if (k > max) c.report('schema-constraint', `${here(c)}: allows at most ${max} fields, has ${k}`);
      });
    }
    // Structure.
    if (n.props || n.addl || n.type === 'object' || n.req) checks.push(this.compileObject(n, strict));
    if (n.items || n.listType) checks.push(this.compileArray(n, strict));
    // Combinators: value-only validation of each branch.
    if (n.allOf) for (const sub of n.allOf) checks.push(this.compile(sub, false));
    if (n.oneOf || n.anyOf) {
      const branches = (n.oneOf ?? n.anyOf)!.map((b) => this.compile(b, false));
      const one = !!n.oneOf;
      checks.push((v, c) => {
        let ok = 0;
        for (const b of branches) if (this.passes(b, v, c)) ok++;
        if (one ? ok !== 1 : ok === 0) {
          c.report('schema-constraint', `${here(c)}: must match ${one ? 'exactly one' : 'at least one'} of ${branches.length} alternative schemas (matches ${ok})`);
        }
      });
    }
    if (n.not) {
      const not = this.compile(n.not, false);
      checks.push((v, c) => {
        if (this.passes(not, v, c)) c.report('schema-constraint', `${here(c)}: ${describeValue(v)} is not allowed here`);
      });
    }
    if (checks.length === 0) return () => {};
    const all = checks;
    if (all.length === 1) {
      const only = all[0]!;
      return (v, c) => {
        if (v === null || v === undefined) return;
        try {
          only(v, c);
        } catch (e) {
          if (e !== STOP) throw e;
        }
      };
    }
    return (v, c) => {
      if (v === null || v === undefined) return;
      try {
        for (let i = 0; i < all.length; i++) all[i]!(v, c);
      } catch (e) {
        if (e !== STOP) throw e;
      }
    };
  }

  private passes(b: V, v: unknown, c: Ctx): boolean {
    const probe = new Ctx();
    probe.path = [...c.path];
    b(v, probe);
    return probe.findings.length === 0;
  }

  private compileObject(n: SchemaNode, strict: boolean): V {
    const props = new Map<string, V>();
    for (const [k, s] of Object.entries(n.props ?? {})) props.set(k, this.compile(s, strict));
    if (n.embedded) {
      for (const k of ['apiVersion', 'kind']) if (!props.has(k)) props.set(k, this.compile({ type: 'string' }, strict));
      if (!props.has('metadata')) props.set('metadata', this.compile({ type: 'object', addl: true }, strict));
    }
    const addl = n.addl === true ? true : n.addl ? this.compile(n.addl, strict) : undefined;
    const open = addl === true || !!n.preserve || !strict;
    const req = n.req ?? [];
    const names = [...props.keys()];
    // Defaults are the API server's, applied before validation; inside oneOf/anyOf/not branches (not strict) nothing is set.
    const defaults = strict ? Object.entries(n.props ?? {}).filter(([, s]) => s.dflt !== undefined).map(([k, s]) => [k, s.dflt] as const) : [];
    return (v, c) => {
      const o = v as Record<string, unknown>;
      for (const [k, d] of defaults) if (o[k] === undefined) o[k] = typeof d === 'object' ? structuredClone(d) : d;
      for (const k in o) {
        const pv = props.get(k);
        if (pv) {
          c.path.push(k);
          pv(o[k], c);
          c.path.pop();
        } else if (addl && addl !== true) {
          c.path.push(k);
          addl(o[k], c);
          c.path.pop();
        } else if (!open) {
          const guess = closest(k, names);
          const where = here(c);
          c.report('schema-unknown-field', `unknown field "${k}"${c.path.length ? ` in ${where}` : ''}`, {
            rel: [k],
            at: 'key',
            hint: guess ? `did you mean "${guess}"?` : names.length ? `fields allowed here: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', ...' : ''}` : 'no fields are allowed here',
          });
        }
      }
      for (const k of req) {
        if (o[k] === undefined || o[k] === null) {
          c.report('schema-required', `${c.path.length ? `${here(c)}: ` : ''}required field "${k}" is missing`);
        }
      }
    };
  }

  private compileArray(n: SchemaNode, strict: boolean): V {
    const item = n.items ? this.compile(n.items, strict) : undefined;
    const keys = n.listType === 'map' ? n.listKeys ?? [] : undefined;
    const isSet = n.listType === 'set';
    return (v, c) => {
      const a = v as unknown[];
      if (item) {
        for (let i = 0; i < a.length; i++) {
          c.path.push(i);
          item(a[i], c);
          c.path.pop();
        }
      }
      if ((keys && keys.length) || isSet) {
        if (a.length < 2) return;
        const seen = new Map<string, number>();
        for (let i = 0; i < a.length; i++) {
          const e = a[i];
          let id: string;
          if (keys && keys.length) {
            if (typeof e !== 'object' || e === null) continue;
            const r = e as Record<string, unknown>;
            // protocol defaults to TCP before the API server compares keys.
            id = stableJson(keys.map((k) => r[k] ?? (k === 'protocol' ? 'TCP' : null)));
          } else id = stableJson(e);
          const first = seen.get(id);
          if (first !== undefined) {
            const what = keys && keys.length ? keys.map((k) => `${k}=${stableJson((e as Record<string, unknown>)[k] ?? (k === 'protocol' ? 'TCP' : null))}`).join(', ') : stableJson(e);
            c.report('schema-duplicate-entry', `${here(c)}[${i}] repeats entry [${first}] (${what})`, { rel: [i], hint: 'each entry of this list needs a unique key; remove or rename one' });
          } else seen.set(id, i);
        }
      }
    };
  }
}

const STOP = Symbol('stop');

/** JSON text of a plain value, integers beyond 2^53 (bigints) included. */
function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? 'undefined';
}
