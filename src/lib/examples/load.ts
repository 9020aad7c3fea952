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
import { parseYamlWithPositions, positionOf } from '../yaml-positions.ts';
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

/** The examples root: `$EXAMPLES_DIR` when set (tests use fixture trees), else `<cwd>/examples`. */
export function examplesRoot(cwd = process.cwd()): string {
  return path.resolve(cwd, process.env.EXAMPLES_DIR ?? 'examples');
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
    files.push({ name, examplePath: `${id}/${name}`, displayPath: fileDisplay, text, documents });
  }
  if (problems.length) throw new ProblemError(problems);
  const [topic, slug] = id.split('/') as [string, string];
  return { id, topic, slug, dir, spec: spec!, files, contentHash: hash.digest('hex') };
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
