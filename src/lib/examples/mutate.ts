/**
 * Mutations (example.yaml `mutations:`): one deliberate break of an example,
 * applied to its manifests. Pure: text in, text out; the cluster runner
 * applies the result in a namespace of its own, the offline tests validate it.
 *
 * A patch is applied to the YAML document itself, not to a copy of its
 * values, so the mutated file keeps its comments and layout and reads as the
 * original with one change.
 */
import { isMap, isNode, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import type { Problem } from '../problems.ts';
import { KUBE_YAML_OPTIONS, parseYamlWithPositions, positionOf } from '../yaml/positions.ts';
import type { ExampleFile, LoadedExample } from './load.ts';
import type { Check, Mutation, PatchOperation } from './spec.ts';

/** One manifest file as a mutation leaves it. */
export interface MutatedFile {
  /** File name inside the example folder, e.g. `service.yaml`. */
  name: string;
  /** Path for messages, as the loader gives it. */
  displayPath: string;
  /** The file's YAML text: the original, or the original with the patch applied. */
  text: string;
  /** Plain JS values of every non-empty document, after the patch. */
  documents: unknown[];
  /** True for the file the patch changed. */
  changed: boolean;
  /** The extra namespace its objects are in, as the loader found it (before any renaming); absent for the example's own. */
  namespace?: string;
}

/** Why a mutation does not apply: where in example.yaml (a key path) and what is wrong. */
export interface MutationError {
  /** Key path inside example.yaml, e.g. `['mutations', 0, 'patch', 'ops', 1, 'path']`. */
  specPath: PropertyKey[];
  message: string;
}

export type MutationOutcome = { ok: true; files: MutatedFile[] } | { ok: false; error: MutationError };

/** RFC 6901: `/spec/ports/0` -> `['spec', 'ports', '0']`, with `~1` -> `/` and `~0` -> `~`. */
export function parsePointer(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

/** Applies one operation to a document in place; a message when its path does not fit the object. */
function applyOperation(doc: Document, op: PatchOperation): string | undefined {
  const tokens = parsePointer(op.path);
  let parent: unknown = doc.contents;
  for (const [i, token] of tokens.slice(0, -1).entries()) {
    const next = child(parent, token);
    if (next === undefined) return `${op.op} ${op.path}: /${tokens.slice(0, i + 1).join('/')} does not exist in the object`;
    parent = next;
  }
  const last = tokens[tokens.length - 1]!;
  const value = op.op === 'remove' ? undefined : doc.createNode(op.value);
  if (isMap(parent)) {
    const exists = parent.has(last);
    if (op.op !== 'add' && !exists) return `${op.op} ${op.path}: the object has no ${last} there`;
    if (op.op === 'remove') parent.delete(last);
    else parent.set(last, keepComments(parent.get(last, true), value!));
    return undefined;
  }
  if (isSeq(parent)) {
    const n = parent.items.length;
    if (op.op === 'add' && last === '-') {
      parent.items.push(value!);
      return undefined;
    }
    if (!ARRAY_INDEX.test(last)) return `${op.op} ${op.path}: "${last}" is not an index of the list there`;
    const i = Number(last);
    // add may insert at the end (i == n); remove and replace need an element.
    if (i > n || (op.op !== 'add' && i === n)) return `${op.op} ${op.path}: the list there has ${n} item(s), no index ${i}`;
    if (op.op === 'add') parent.items.splice(i, 0, value!);
    else if (op.op === 'remove') parent.items.splice(i, 1);
    else parent.items[i] = keepComments(parent.items[i], value!);
    return undefined;
  }
  return `${op.op} ${op.path}: the value at /${tokens.slice(0, -1).join('/')} is neither a map nor a list`;
}

/** The new node carries the comments of the one it replaces: a comment explains the field, whatever its value. */
function keepComments(old: unknown, node: Node): Node {
  if (isNode(old)) {
    node.comment ??= old.comment;
    node.commentBefore ??= old.commentBefore;
  }
  return node;
}

/** The member or element `token` of a YAML collection node, undefined when there is none. */
function child(node: unknown, token: string): Node | undefined {
  if (isMap(node)) return (node.get(token, true) as Node | undefined) ?? undefined;
  if (isSeq(node) && ARRAY_INDEX.test(token)) return node.items[Number(token)] as Node | undefined;
  return undefined;
}

function scalarText(v: unknown): unknown {
  return isScalar(v) ? v.value : v;
}

/** The kind and name of a parsed document, read without converting all of it. */
function identity(doc: Document): { kind: unknown; name: unknown } {
  return { kind: scalarText(doc.get('kind', true)), name: scalarText(doc.getIn(['metadata', 'name'], true)) };
}

/**
 * Applies mutation `index` of the example's spec to its manifests: the files
 * in apply order, without the removed one, with the patched one changed.
 * An object or a path that is not there is an error located in example.yaml.
 */
export function applyMutation(example: Pick<LoadedExample, 'spec' | 'files'>, index: number): MutationOutcome {
  const m = example.spec.mutations[index];
  const at = (...rest: PropertyKey[]): PropertyKey[] => ['mutations', index, ...rest];
  if (!m) return { ok: false, error: { specPath: ['mutations'], message: `there is no mutation ${index + 1}` } };
  const same = (f: ExampleFile): MutatedFile => ({ name: f.name, displayPath: f.displayPath, text: f.text, documents: f.documents, changed: false, ...(f.namespace ? { namespace: f.namespace } : {}) });
  if (m.remove !== undefined) {
    if (!example.files.some((f) => f.name === m.remove)) return { ok: false, error: { specPath: at('remove'), message: `${m.remove} is not a manifest of the example` } };
    return { ok: true, files: example.files.filter((f) => f.name !== m.remove).map(same) };
  }
  const p = m.patch!;
  const target = example.files.find((f) => f.name === p.file);
  if (!target) return { ok: false, error: { specPath: at('patch', 'file'), message: `${p.file} is not a manifest of the example` } };
  const docs = parseAllDocuments(target.text, KUBE_YAML_OPTIONS) as Document.Parsed[];
  const matching = docs.filter((d) => {
    const id = identity(d);
    return id.kind === p.kind && id.name === p.name;
  });
  if (matching.length !== 1) {
    const present = docs.map(identity).filter((id) => id.kind !== undefined).map((id) => `${id.kind} ${id.name}`);
    const message = matching.length
      ? `${p.file} holds ${matching.length} objects ${p.kind} ${p.name}; a patch changes exactly one`
      : `${p.file} has no ${p.kind} named ${p.name} (it holds ${present.join(', ') || 'no object'})`;
    return { ok: false, error: { specPath: at('patch', 'name'), message } };
  }
  const doc = matching[0]!;
  for (const [j, op] of p.ops.entries()) {
    const wrong = applyOperation(doc, op);
    if (wrong) return { ok: false, error: { specPath: at('patch', 'ops', j, 'path'), message: `${p.kind} ${p.name} in ${p.file}: ${wrong}` } };
  }
  const text = docs.map((d) => d.toString()).join('');
  const documents = docs.map((d) => d.toJS()).filter((d) => d !== null && d !== undefined);
  return {
    ok: true,
    files: example.files.map((f) => (f === target ? { ...same(f), text, documents, changed: true } : same(f))),
  };
}

/** A mutation error as a located problem in example.yaml (`specText` is its text, `specFile` its display path). */
export function mutationProblem(specText: string, specFile: string, error: MutationError): Problem {
  const parsed = parseYamlWithPositions(specText, specFile);
  const pos = parsed.docs[0] ? positionOf(parsed.docs[0], parsed.lineCounter, error.specPath) : { line: 1, column: 1 };
  return { file: specFile, ...pos, rule: 'example-mutation', severity: 'error', message: error.message, hint: 'make the patch name an object and a path the manifest has (RFC 6902 JSON Patch)' };
}

/** The namespace mutation `index` (0-based) of an example runs in: `<slug>-m1`, `<slug>-m2`, ... */
export function mutationNamespace(slug: string, index: number): string {
  return `${slug}-m${index + 1}`;
}

/** The namespace an extra namespace `<slug>-X` becomes under mutation `index` (0-based): `<slug>-m<N>-X`. */
export function mutationExtraNamespace(slug: string, name: string, index: number): string {
  return `${mutationNamespace(slug, index)}${name.slice(slug.length)}`;
}

/** One namespace name a mutation replaces, and by what. */
export interface NamespaceRename {
  from: string;
  to: string;
}

/**
 * Every namespace name mutation `index` renames: the slug to `<slug>-m<N>`
 * and each extra namespace `<slug>-X` to `<slug>-m<N>-X`, so the mutation
 * runs in namespaces of its own and touches none of the example's.
 */
export function mutationRenames(example: Pick<LoadedExample, 'slug' | 'spec'>, index: number): NamespaceRename[] {
  return [
    { from: example.slug, to: mutationNamespace(example.slug, index) },
    ...example.spec.namespaces.map((n) => ({ from: n.name, to: mutationExtraNamespace(example.slug, n.name, index) })),
  ];
}

/** renameNamespace for each rename in turn (whole words, so `<slug>` never matches inside `<slug>-X`). */
export function renameNamespaces<T>(value: T, renames: readonly NamespaceRename[]): T {
  return renames.reduce((v, r) => renameNamespace(v, r.from, r.to), value);
}

/**
 * Replaces the example's namespace name `from` by `to` in every string of a
 * value, where it stands as a whole word (between dots, slashes, quotes,
 * spaces, `=`). Examples name their namespace in a few places (an
 * ExternalName target, a namespaceSelector, a Gateway hostname under
 * `<slug>.example.test`); a mutation running in `<slug>-m1` renames those in
 * its manifests and checks alike, so it neither reaches into the example's
 * own namespace nor claims the same hostname on the shared Gateway.
 */
export function renameNamespace<T>(value: T, from: string, to: string): T {
  const word = new RegExp(`(?<![A-Za-z0-9-])${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9-])`, 'g');
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(word, to);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** A check with the namespaces renamed in its probe; its name stays, since results and `breaks` refer to it. */
export function renameCheckNamespace(c: Check, renames: readonly NamespaceRename[]): Check {
  return { ...renameNamespaces(c, renames), name: c.name };
}

/**
 * The documents of the files as one stream for `kubectl apply -f -`: each
 * document as JSON (valid YAML, and read the same by every YAML version, so
 * a string such as "yes" cannot turn into a boolean on the way).
 */
export function manifestStream(documents: unknown[]): string {
  return documents.map((d) => JSON.stringify(d)).join('\n---\n') + '\n';
}

/** The mutation with its 0-based index, for callers that iterate a spec. */
export function mutationsOf(example: Pick<LoadedExample, 'spec'>): Array<{ index: number; mutation: Mutation }> {
  return example.spec.mutations.map((mutation, index) => ({ index, mutation }));
}
