/**
 * The example loader: reads `examples/<topic>/<slug>/` into a typed object.
 *
 * The site, the validator and the cluster runner all read examples through
 * this one function, so they agree on what an example is.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Document } from 'yaml';
import { ProblemError, type Problem } from '../problems.ts';
import { siteConfig } from '../site/config.ts';
import { parseYamlWithPositions, positionOf } from '../yaml/positions.ts';
import { mutationExtraNamespace } from './mutate.ts';
import { SPEC_FILE } from './spec-file.ts';
import { exampleSpec, type ExampleSpec } from './spec.ts';

export { SPEC_FILE };

/** One manifest file of an example, as text and as parsed YAML documents. */
export interface ExampleFile {
  /** File name inside the example folder, e.g. `service.yaml`. */
  name: string;
  /** Path relative to the examples root, e.g. `services/clusterip-basic/service.yaml`. */
  examplePath: string;
  /** Path relative to the repository root (or the cwd), for messages. */
  displayPath: string;
  /** Exact bytes of the file, as published. */
  text: string;
  /** Plain JS values of every non-empty document in the file. */
  documents: unknown[];
  /**
   * The extra namespace (from spec `namespaces`) its objects carry in
   * metadata.namespace; absent for the example's own namespace. A file holds
   * objects of one namespace only. An undeclared metadata.namespace is left
   * out here: the validator's metadata-namespace rule reports it.
   */
  namespace?: string;
}

export interface LoadedExample {
  /** `<topic>/<slug>`, the id articles use in `<Example path=...>`. */
  id: string;
  topic: string;
  slug: string;
  dir: string;
  spec: ExampleSpec;
  /** Manifests in apply order. */
  files: ExampleFile[];
  /** sha256 of example.yaml and every manifest: a report for another hash is stale. */
  contentHash: string;
}

/** The examples root: `$EXAMPLES_DIR` when set (tests use fixture trees), else `<cwd>/examples` (src/lib/site/config.ts). */
export function examplesRoot(cwd = process.cwd()): string {
  return siteConfig(cwd).examplesDir;
}

function display(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel.startsWith('..') ? p : rel;
}

/** Every example id under root (folders holding an example.yaml), sorted. */
export function listExampleIds(root: string): string[] {
  const ids: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
      const sub = path.join(dir, entry.name);
      const subRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (existsSync(path.join(sub, SPEC_FILE))) ids.push(subRel);
      else walk(sub, subRel);
    }
  };
  if (existsSync(root)) walk(root, '');
  return ids.sort();
}

/** The id rule: `<topic>/<slug>`, both lowercase DNS labels. */
export const EXAMPLE_ID = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Namespaces no example may be named after. The slug is the namespace the
 * cluster runner creates and deletes, so it must never be one that
 * Kubernetes itself (`default`, `kube-system`, `kube-public`,
 * `kube-node-lease`: every `kube-*`) or something installed on the cluster
 * uses: Traefik (scripts/cluster/manifests/traefik.yaml), kind's
 * local-path-provisioner, and the usual add-ons of a reader's cluster
 * (MetalLB, cert-manager).
 */
export const RESERVED_NAMESPACES: readonly string[] = ['default', 'traefik', 'local-path-storage', 'metallb-system', 'cert-manager'];
export const RESERVED_NAMESPACE_PREFIXES: readonly string[] = ['kube-'];

export function reservedNamespace(name: string): boolean {
  return RESERVED_NAMESPACES.includes(name) || RESERVED_NAMESPACE_PREFIXES.some((p) => name.startsWith(p));
}

/** Why an example may not have this slug, as a rule id and a message; undefined when it may. */
export interface SlugConflict {
  rule: 'example-slug-reserved' | 'example-slug-duplicate';
  message: string;
  hint: string;
}

/**
 * The slug rule, one copy for the loader and the scaffolder: a slug is the
 * namespace its example runs in, so it is not a namespace the cluster uses,
 * and no two examples share one, whatever their topics. `ids` are the
 * example ids under the root; `self` is the example's own id, when it has one.
 */
export function slugConflict(slug: string, ids: readonly string[], self?: string): SlugConflict | undefined {
  if (reservedNamespace(slug)) {
    return {
      rule: 'example-slug-reserved',
      message: `slug "${slug}" is a namespace the cluster uses (${[...RESERVED_NAMESPACES, ...RESERVED_NAMESPACE_PREFIXES.map((p) => `${p}*`)].join(', ')}); the runner would create and delete it`,
      hint: 'rename the example folder',
    };
  }
  const other = ids.find((id) => id !== self && id.split('/')[1] === slug);
  if (other) {
    return {
      rule: 'example-slug-duplicate',
      message: `slug "${slug}" is already used by example ${other}; slugs are unique across topics because the slug is the namespace`,
      hint: 'rename one of the two example folders',
    };
  }
  return undefined;
}

/** Why an extra namespace may not have this name: a rule id, a message and a hint. */
export interface NamespaceConflict {
  rule: 'example-namespace-prefix' | 'example-namespace-mutation' | 'example-namespace-reserved' | 'example-namespace-duplicate' | 'example-namespace-length';
  message: string;
  hint: string;
}

/** True when `name` reads as a mutation namespace of `slug`: `<slug>-m<digits>` alone or followed by `-`. */
function looksLikeMutationNamespace(name: string, slug: string): boolean {
  return name.startsWith(`${slug}-m`) && /^[0-9]+(-|$)/.test(name.slice(slug.length + 2));
}

/**
 * The rules for an extra namespace name, like the slug rule: the runner
 * creates and deletes it, so it belongs to the example (`<slug>-` prefix),
 * cannot be mistaken for a mutation's namespace, is no namespace the
 * cluster uses, no other example's slug or extra namespace, and stays a
 * valid name (63 characters) with the mutation suffix. `others` lists the
 * extra namespaces of another example by id (read only for ids whose slug
 * is a prefix of the name, the only ones that can collide).
 */
export function extraNamespaceConflict(name: string, slug: string, mutations: number, ids: readonly string[], self: string, others: (id: string) => readonly string[]): NamespaceConflict | undefined {
  if (!name.startsWith(`${slug}-`) || name.length === slug.length + 1) {
    return { rule: 'example-namespace-prefix', message: `namespace "${name}" does not start with "${slug}-"; an example's namespaces are named after its slug`, hint: `rename it to ${slug}-<something>` };
  }
  if (looksLikeMutationNamespace(name, slug)) {
    return { rule: 'example-namespace-mutation', message: `namespace "${name}" looks like a mutation namespace (${slug}-m<N>), which the runner creates for mutation N`, hint: `choose a name that does not start with ${slug}-m and a number` };
  }
  if (reservedNamespace(name)) {
    return { rule: 'example-namespace-reserved', message: `namespace "${name}" is one the cluster uses; the runner would create and delete it`, hint: 'rename it' };
  }
  for (const id of ids) {
    if (id === self) continue;
    const other = id.split('/')[1]!;
    if (other === name) {
      return { rule: 'example-namespace-duplicate', message: `namespace "${name}" is the slug of example ${id}; namespace names are unique across the repository`, hint: 'rename the namespace' };
    }
    if (!name.startsWith(`${other}-`)) continue;
    if (looksLikeMutationNamespace(name, other)) {
      return { rule: 'example-namespace-duplicate', message: `namespace "${name}" is a mutation namespace of example ${id}`, hint: 'rename the namespace' };
    }
    if (others(id).includes(name)) {
      return { rule: 'example-namespace-duplicate', message: `namespace "${name}" is also declared by example ${id}; namespace names are unique across the repository`, hint: 'rename one of the two' };
    }
  }
  const longest = mutations > 0 ? mutationExtraNamespace(slug, name, mutations - 1) : name;
  if (longest.length > 63) {
    return { rule: 'example-namespace-length', message: `namespace "${name}" becomes "${longest}" (${longest.length} characters) under mutation ${mutations}; a namespace name has at most 63`, hint: 'shorten the namespace name or the slug' };
  }
  return undefined;
}

/** The names in `namespaces:` of another example's example.yaml, read leniently: [] when it does not parse. */
function declaredNamespacesOf(root: string, id: string): string[] {
  try {
    const parsed = parseYamlWithPositions(readFileSync(path.join(root, id, SPEC_FILE), 'utf8'), id);
    const js = parsed.docs[0]?.toJS() as { namespaces?: Array<{ name?: unknown }> } | undefined;
    return (Array.isArray(js?.namespaces) ? js.namespaces : []).map((n) => n?.name).filter((n): n is string => typeof n === 'string');
  } catch {
    return [];
  }
}

/** A reachability pod reference split: `web` is in the example's namespace, `ns/web` in `ns`. */
export function splitPodRef(ref: string): { namespace?: string; pod: string } {
  const i = ref.indexOf('/');
  return i < 0 ? { pod: ref } : { namespace: ref.slice(0, i), pod: ref.slice(i + 1) };
}

/**
 * Why a reachability client or server does not name a bare Pod of the
 * manifests, or undefined when it does. `pods` maps a namespace ('' for the
 * example's own) to the Pod names its files hold.
 */
export function podRefProblem(ref: string, slug: string, declared: readonly string[], pods: ReadonlyMap<string, ReadonlySet<string>>): string | undefined {
  const { namespace, pod } = splitPodRef(ref);
  if (namespace === slug) return `${ref}: a Pod of the example's own namespace is named without a namespace: write ${pod}`;
  if (namespace !== undefined && !declared.includes(namespace)) return `${ref}: namespace ${namespace} is not one of the example's namespaces (${declared.join(', ') || 'none declared'})`;
  const there = pods.get(namespace ?? '') ?? new Set<string>();
  if (!there.has(pod)) {
    const where = namespace ?? `the example's own namespace`;
    return `${ref}: no Pod named ${pod} in ${where} (Pods there: ${[...there].sort().join(', ') || 'none'}); clients and servers are bare Pods (kind: Pod) of the manifests`;
  }
  return undefined;
}

/**
 * Loads and checks one example. Throws ProblemError with every located
 * problem found (spec errors, YAML errors, missing files); never returns a
 * half-valid example.
 */
export function loadExample(root: string, id: string): LoadedExample {
  return loadOne(root, id, listExampleIds(root));
}

/** loadExample with the root's example ids already listed (loadAllExamples lists them once). */
function loadOne(root: string, id: string, ids: readonly string[]): LoadedExample {
  const dir = path.join(root, id);
  const specPath = path.join(dir, SPEC_FILE);
  if (!EXAMPLE_ID.test(id)) {
    throw new ProblemError([
      { file: display(root), line: 1, column: 1, rule: 'example-id', severity: 'error', message: `"${id}" is not an example id`, hint: 'use <topic>/<slug>, lowercase letters, digits and dashes' },
    ]);
  }
  if (!existsSync(specPath) || !statSync(specPath).isFile()) {
    throw new ProblemError([
      { file: display(specPath), line: 1, column: 1, rule: 'example-missing', severity: 'error', message: `no example "${id}": ${display(specPath)} does not exist`, hint: `create ${display(specPath)} (npm run new:example) or fix the path` },
    ]);
  }
  const problems: Problem[] = [];
  const specText = readFileSync(specPath, 'utf8');
  const specDisplay = display(specPath);
  const conflict = slugConflict(id.split('/')[1]!, ids, id);
  if (conflict) problems.push({ file: specDisplay, line: 1, column: 1, severity: 'error', ...conflict });
  const parsed = parseYamlWithPositions(specText, specDisplay);
  problems.push(...parsed.problems.filter((p) => p.severity === 'error'));
  let spec: ExampleSpec | undefined;
  if (parsed.problems.length === 0) {
    if (parsed.docs.length !== 1) {
      problems.push({ file: specDisplay, line: 1, column: 1, rule: 'example-spec', severity: 'error', message: `${SPEC_FILE} must hold exactly one YAML document, found ${parsed.docs.length}` });
    } else {
      const doc = parsed.docs[0]!;
      const result = exampleSpec.safeParse(doc.toJS());
      if (result.success) spec = result.data;
      else {
        for (const issue of result.error.issues) {
          // Point an unknown key at the key itself, not at its parent map.
          const keyPath = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
          const pos = positionOf(doc, parsed.lineCounter, keyPath as PropertyKey[]);
          problems.push({
            file: specDisplay,
            ...pos,
            rule: 'example-spec',
            severity: 'error',
            message: `${issue.path.length ? issue.path.join('.') + ': ' : ''}${issue.message}`,
            hint: 'see the example spec in CONTRIBUTING.md',
          });
        }
      }
    }
  }
  const specDoc = parsed.docs[0] as Document.Parsed;
  const slug = id.split('/')[1]!;
  const declared = (spec?.namespaces ?? []).map((n) => n.name);
  (spec?.namespaces ?? []).forEach((n, i) => {
    const c = extraNamespaceConflict(n.name, slug, spec!.mutations.length, ids, id, (other) => declaredNamespacesOf(root, other));
    if (c) problems.push({ file: specDisplay, ...positionOf(specDoc, parsed.lineCounter, ['namespaces', i, 'name']), severity: 'error', ...c });
  });
  // Pod names per namespace ('' = the example's own), for the reachability rule.
  const pods = new Map<string, Set<string>>();
  const files: ExampleFile[] = [];
  const hash = createHash('sha256').update(specText);
  for (const [i, name] of (spec?.manifests ?? []).entries()) {
    const filePath = path.join(dir, name);
    if (!existsSync(filePath)) {
      const pos = positionOf(parsed.docs[0] as Document.Parsed, parsed.lineCounter, ['manifests', i]);
      problems.push({ file: specDisplay, ...pos, rule: 'example-manifest-missing', severity: 'error', message: `manifest ${name} is listed but ${display(filePath)} does not exist`, hint: 'add the file or remove it from manifests' });
      continue;
    }
    const text = readFileSync(filePath, 'utf8');
    hash.update(`\0${name}\0`).update(text);
    const fileDisplay = display(filePath);
    const y = parseYamlWithPositions(text, fileDisplay);
    const errors = y.problems.filter((p) => p.severity === 'error');
    problems.push(...errors);
    const documents = errors.length ? [] : y.docs.map((d) => d.toJS()).filter((d) => d !== null && d !== undefined);
    if (!errors.length && documents.length === 0) {
      problems.push({ file: fileDisplay, line: 1, column: 1, rule: 'manifest-empty', severity: 'error', message: 'the manifest holds no Kubernetes object', hint: 'add the object or remove the file from manifests' });
    }
    const file: ExampleFile = { name, examplePath: `${id}/${name}`, displayPath: fileDisplay, text, documents };
    if (!errors.length) {
      const spread = fileNamespace(y.docs, y.lineCounter, fileDisplay);
      if (spread.problem) problems.push(spread.problem);
      else if (spread.namespace !== undefined && declared.includes(spread.namespace)) file.namespace = spread.namespace;
      for (const d of documents as Array<{ kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } }>) {
        if (d?.kind !== 'Pod' || typeof d.metadata?.name !== 'string') continue;
        const ns = typeof d.metadata.namespace === 'string' ? d.metadata.namespace : '';
        pods.set(ns, (pods.get(ns) ?? new Set()).add(d.metadata.name));
      }
    }
    files.push(file);
  }
  const r = spec?.reachability;
  // Only when every file loaded: a missing file would make every Pod in it look absent.
  if (r && files.length === spec!.manifests.length) {
    for (const key of ['clients', 'servers'] as const) {
      r[key].forEach((ref, i) => {
        const wrong = podRefProblem(ref, slug, declared, pods);
        if (wrong) problems.push({ file: specDisplay, ...positionOf(specDoc, parsed.lineCounter, ['reachability', key, i]), rule: 'example-reachability-pod', severity: 'error', message: wrong, hint: 'name a Pod of the manifests, <namespace>/<pod> for one in an extra namespace' });
      });
    }
  }
  if (problems.length) throw new ProblemError(problems);
  const topic = id.split('/')[0]!;
  return { id, topic, slug, dir, spec: spec!, files, contentHash: hash.digest('hex') };
}

/**
 * The one namespace a file's objects are in (undefined: the example's own,
 * no metadata.namespace), or a problem at the first object that differs
 * from the file's first object: `kubectl apply -n <ns> -f <file>` applies a
 * file into one namespace.
 */
function fileNamespace(docs: Document.Parsed[], lineCounter: Parameters<typeof positionOf>[1], file: string): { namespace?: string; problem?: Problem } {
  const objects = docs.filter((d) => d.contents !== null);
  const nsOf = (d: Document.Parsed) => {
    const v = d.getIn(['metadata', 'namespace']);
    return v === undefined || v === null ? undefined : String(v);
  };
  const first = objects[0] ? nsOf(objects[0]) : undefined;
  const odd = objects.find((d) => nsOf(d) !== first);
  if (odd) {
    const shown = (ns: string | undefined) => (ns === undefined ? "the example's own namespace (no metadata.namespace)" : `namespace ${ns}`);
    return {
      problem: {
        file,
        ...positionOf(odd, lineCounter, ['metadata', 'namespace']),
        rule: 'example-file-namespaces',
        severity: 'error',
        message: `this object is in ${shown(nsOf(odd))} but the file's first object is in ${shown(first)}; a manifest file holds objects of one namespace`,
        hint: 'move the object to a file of its own and list that file in manifests',
      },
    };
  }
  return { namespace: first };
}

/** Loads every example under root, collecting all problems before throwing. */
export function loadAllExamples(root: string): LoadedExample[] {
  const out: LoadedExample[] = [];
  const problems: Problem[] = [];
  const ids = listExampleIds(root);
  for (const id of ids) {
    try {
      out.push(loadOne(root, id, ids));
    } catch (e) {
      if (e instanceof ProblemError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (problems.length) throw new ProblemError(problems);
  return out;
}
