/**
 * An example's predicted matrix, and what each of its mutations does to it.
 * A mutation that breaks no check (`breaks: []`, allowed only with
 * `reachability`) has to change at least one predicted cell; the validator
 * rule and the offline gate test both ask mutationFlips.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { LoadedExample } from '../examples/load.ts';
import { applyMutation } from '../examples/mutate.ts';
import { SPEC_FILE } from '../examples/spec-file.ts';
import type { Problem } from '../problems.ts';
import { parseYamlWithPositions, positionOf } from '../yaml/positions.ts';
import { PREDICT_RULE } from './model.ts';
import { predictReachability } from './predict.ts';
import { cellKey } from './render.ts';
import { exampleInput, pinnedPlan, type SourceCache } from './sources.ts';
import type { AddressPlan, NetpolProblem, PredictOutcome } from './types.ts';

type ExampleLike = Pick<LoadedExample, 'slug' | 'spec' | 'dir' | 'files'>;

/** example.yaml of the example: its display path and text. */
function specFile(example: ExampleLike): { displayPath: string; text: string } {
  const file = path.join(example.dir, SPEC_FILE);
  const rel = path.relative(process.cwd(), file);
  return { displayPath: rel.startsWith('..') ? file : rel, text: readFileSync(file, 'utf8') };
}

/** Predicts one example over several sets of files, reading example.yaml once and each distinct file once. */
function predictor(example: ExampleLike, plan: AddressPlan): { spec: { displayPath: string; text: string }; predict: (files: { displayPath: string; text: string }[]) => PredictOutcome | undefined } {
  const spec = specFile(example);
  const cache: SourceCache = new Map();
  return {
    spec,
    predict: (files) => {
      const { input, problems } = exampleInput({ slug: example.slug, spec: example.spec, specFile: spec }, files, plan, cache);
      if (!input) return undefined;
      if (problems.length) return { ok: false, problems };
      return predictReachability(input);
    },
  };
}

/** The predicted matrix over the given files (the example's own by default); undefined without `reachability`. */
export function predictExample(example: ExampleLike, files: { displayPath: string; text: string }[] = example.files, plan: AddressPlan = pinnedPlan()): PredictOutcome | undefined {
  return predictor(example, plan).predict(files);
}

/** One mutation of an example with `reachability`, and the cells it flips. */
export interface MutationFlip {
  index: number;
  name: string;
  /** True when the mutation names no check in `breaks`: then a flipped cell is all that proves it. */
  breaksNone: boolean;
  /** False when the mutation does not apply to the manifests (the example-mutation checks report that). */
  applies: boolean;
  /** The mutation does not apply, or the mutated manifests cannot be predicted. */
  problems: NetpolProblem[];
  /** Keys of the cells whose verdict differs from the unmutated prediction. */
  flipped: string[];
}

/** For each mutation, the cells it flips; undefined when the example has no matrix or its own prediction fails. */
export function mutationFlips(example: ExampleLike, plan: AddressPlan = pinnedPlan()): MutationFlip[] | undefined {
  return flipsWith(example, predictor(example, plan));
}

function flipsWith(example: ExampleLike, p: ReturnType<typeof predictor>, base = p.predict(example.files)): MutationFlip[] | undefined {
  if (!base?.ok) return undefined;
  const before = new Map(base.matrix.cells.map((c) => [cellKey(c), c.verdict]));
  return example.spec.mutations.map((m, index) => {
    const head = { index, name: m.name, breaksNone: m.breaks.length === 0, applies: true };
    const applied = applyMutation(example, index);
    if (!applied.ok) return { ...head, applies: false, problems: [{ file: p.spec.displayPath, line: 1, column: 1, rule: PREDICT_RULE, message: `mutation "${m.name}": ${applied.error.message}`, hint: 'fix the mutation' }], flipped: [] };
    const after = p.predict(applied.files)!;
    if (!after.ok) return { ...head, problems: after.problems.map((q) => ({ ...q, message: `under mutation "${m.name}": ${q.message}` })), flipped: [] };
    return { ...head, problems: [], flipped: after.matrix.cells.filter((c) => before.get(cellKey(c)) !== c.verdict).map(cellKey) };
  });
}

/**
 * The validator rule `reachability-predict` for one example: the evaluator's
 * problems with its matrix, and each mutation that cannot be predicted or
 * that names no check in `breaks` and flips no cell (located at the
 * mutation in example.yaml).
 */
export function reachabilityProblems(example: ExampleLike, plan: AddressPlan = pinnedPlan()): Problem[] {
  if (!example.spec.reachability) return [];
  const p = predictor(example, plan);
  const base = p.predict(example.files);
  if (!base) return [];
  const error = (q: NetpolProblem): Problem => ({ ...q, severity: 'error' });
  if (!base.ok) return base.problems.map(error);
  // A mutation that does not apply is the example-mutation checks' to report.
  const flips = (flipsWith(example, p, base) ?? []).filter((f) => f.applies);
  if (flips.every((f) => f.problems.length === 0 && (!f.breaksNone || f.flipped.length > 0))) return [];
  const spec = p.spec;
  const parsed = parseYamlWithPositions(spec.text, spec.displayPath);
  const at = (path: (string | number)[]) => (parsed.docs[0] ? positionOf(parsed.docs[0], parsed.lineCounter, path) : { line: 1, column: 1 });
  return flips.flatMap((f): Problem[] => {
    const where = { file: spec.displayPath, rule: PREDICT_RULE, severity: 'error' as const };
    if (f.problems.length) {
      return f.problems.map((q) => ({ ...where, ...at(['mutations', f.index]), message: `${q.message} (${q.file}:${q.line}:${q.column} of the mutated files)`, hint: q.hint }));
    }
    if (f.breaksNone && f.flipped.length === 0) {
      return [{ ...where, ...at(['mutations', f.index, 'breaks']), message: `mutation "${f.name}" breaks no check and flips no predicted reachability cell, so nothing shows that it breaks anything`, hint: 'make the mutation change who reaches whom, or name the checks it breaks' }];
    }
    return [];
  });
}
