/**
 * Feeding the evaluator from files: manifest texts become located
 * SourceDocuments, and an example (or a mutation of it) becomes a
 * PredictInput. The validator rule, the offline gate test, `--explain` and
 * the runner share these, so they all predict the same matrix.
 */
import type { ExampleSpec } from '../examples/spec.ts';
import { PINS } from '../pins.ts';
import { ManifestSource } from '../yaml/manifest-source.ts';
import { parseYamlWithPositions, positionOf } from '../yaml/positions.ts';
import type { AddressPlan, DocPath, NetpolProblem, PredictInput, SourceDocument } from './types.ts';

/** The address plan of the pinned cluster (POD_SUBNET, SERVICE_SUBNET in the pin file). */
export function pinnedPlan(): AddressPlan {
  return { podSubnet: PINS.POD_SUBNET, serviceSubnet: PINS.SERVICE_SUBNET };
}

/** Every non-empty document of one manifest file, each able to locate a path in itself; YAML errors as problems. */
export function sourceDocuments(file: string, text: string): { documents: SourceDocument[]; problems: NetpolProblem[] } {
  const source = new ManifestSource(file, text);
  const problems = source.problems
    .filter((p) => p.severity === 'error')
    .map((p) => ({ file: p.file, line: p.line, column: p.column, rule: p.rule, message: p.message, hint: p.hint ?? 'fix the YAML' }));
  const documents: SourceDocument[] = [];
  source.docs.forEach((doc, i) => {
    if (doc === null || doc === undefined) return;
    documents.push({ file, doc, line: source.docStart(i).line, locate: (path: DocPath) => source.locate(i, path) });
  });
  return { documents, problems };
}

/** Parsed files by display path and text: an example and its mutations share the files a mutation leaves unchanged. */
export type SourceCache = Map<string, { documents: SourceDocument[]; problems: NetpolProblem[] }>;

/** What exampleInput needs of an example: the slug (its namespace) and the spec fields that shape the matrix. */
export interface ExampleShape {
  slug: string;
  spec: Pick<ExampleSpec, 'namespaces' | 'reachability'>;
  /** example.yaml's display path and text, to locate problems in the declaration. */
  specFile?: { displayPath: string; text: string };
}

/**
 * The evaluator's input for an example with `reachability`, over the given
 * files (the example's own, or a mutation's); undefined when the example
 * declares no matrix. Problems are YAML errors of the files.
 */
export function exampleInput(example: ExampleShape, files: { displayPath: string; text: string }[], plan: AddressPlan = pinnedPlan(), cache?: SourceCache): { input?: PredictInput; problems: NetpolProblem[] } {
  const decl = example.spec.reachability;
  if (!decl) return { problems: [] };
  const problems: NetpolProblem[] = [];
  const documents = files.flatMap((f) => {
    const key = `${f.displayPath}\0${f.text}`;
    const r = cache?.get(key) ?? sourceDocuments(f.displayPath, f.text);
    cache?.set(key, r);
    problems.push(...r.problems);
    return r.documents;
  });
  const specFile = example.specFile;
  let parsed: ReturnType<typeof parseYamlWithPositions> | undefined;
  // example.yaml is parsed for positions only when a problem in the declaration has to be located.
  const locate = (path: DocPath) => {
    parsed ??= parseYamlWithPositions(specFile!.text, specFile!.displayPath);
    const doc = parsed.docs[0];
    return doc ? positionOf(doc, parsed.lineCounter, ['reachability', ...path]) : { line: 1, column: 1 };
  };
  return {
    input: {
      documents,
      namespace: example.slug,
      namespaces: example.spec.namespaces.map((n) => ({ name: n.name, labels: { ...(n.labels ?? {}) } })),
      decl: { clients: decl.clients, servers: decl.servers, ports: decl.ports.map((p) => ({ port: p.port, protocol: p.protocol })) },
      plan,
      ...(specFile ? { declSource: { file: specFile.displayPath, locate } } : {}),
    },
    problems,
  };
}
