/**
 * Turns command-line paths into validation units (input-walk.ts finds
 * them), loading each example with the example loader: its manifests in
 * apply order, its podSecurity declaration and requires.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type LoadedExample, loadExample, SPEC_FILE } from '../examples/load.ts';
import { reachabilityProblems } from '../netpol/example.ts';
import { ProblemError } from '../problems.ts';
import { displayPath, isExampleRef, walkInputs } from './input-walk.ts';
import type { ValidationUnit } from './validate.ts';

/**
 * A loaded example as a unit: the manifests as the loader read them, in
 * apply order; example.yaml is read again only if a check's problem has to
 * be located in it.
 */
export function exampleUnit(ex: LoadedExample): ValidationUnit {
  const specPath = path.join(ex.dir, SPEC_FILE);
  return {
    name: ex.id,
    files: ex.files.map((f) => ({ file: f.displayPath, text: f.text })),
    example: { id: ex.id, spec: ex.spec, specFile: displayPath(specPath), specText: () => readFileSync(specPath, 'utf8') },
    // reachability-predict: the evaluator's problems with a declared matrix (none without one).
    problems: reachabilityProblems(ex),
  };
}

/**
 * The example in `dir` (a folder holding example.yaml, found by the walk) as
 * a unit, or a unit holding the loader's problems when it does not load.
 */
export function exampleDirUnit(dir: string): ValidationUnit {
  const abs = path.resolve(dir);
  // The loader names an example by its root and `<topic>/<slug>`: the folder's parent's parent, and the last two steps.
  const id = `${path.basename(path.dirname(abs))}/${path.basename(abs)}`;
  try {
    return exampleUnit(loadExample(path.dirname(path.dirname(abs)), id));
  } catch (e) {
    if (e instanceof ProblemError) return { name: id, files: [], problems: e.problems };
    throw e;
  }
}

/**
 * Units for the given paths (`examples` when none). Throws UsageError for a
 * path that does not exist or cannot be read. `readStdin` is called for `-`.
 */
export function collectUnits(paths: string[], readStdin: () => string): ValidationUnit[] {
  return walkInputs(paths, readStdin).map((u) => (isExampleRef(u) ? exampleDirUnit(u.exampleDir) : u));
}
