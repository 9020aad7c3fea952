/**
 * Plain values of a parsed YAML document (what `JSON.parse` would give,
 * plus bigint for integers beyond 2^53): the mapping test, a safe getter
 * and paths to a node, shared by the reader, the validator and its rules.
 */

/** One step of a path inside a document: a mapping key or a list index. */
export type PathSeg = string | number;

/** A YAML mapping read as a plain value. */
export type Obj = Record<string, unknown>;

/** True for a mapping (not a list, not null). */
export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value at `path` below `o`, or undefined when any step is missing or of the wrong shape. */
export function get(o: unknown, ...path: PathSeg[]): unknown {
  let v: unknown = o;
  for (const p of path) {
    if (typeof p === 'number') v = Array.isArray(v) ? v[p] : undefined;
    else v = isObj(v) ? v[p] : undefined;
    if (v === undefined) return undefined;
  }
  return v;
}

/** `spec.template.spec.containers[0].name` */
export function formatPath(path: readonly PathSeg[]): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(p)) s += s ? `.${p}` : p;
    else s += `[${JSON.stringify(p)}]`;
  }
  return s;
}
