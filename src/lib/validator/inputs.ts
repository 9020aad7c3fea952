/**
 * Turns command-line paths into validation units (input-walk.ts finds
 * them), loading each example with the example loader: its manifests in
 * apply order, its podSecurity declaration and requires.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadExample, SPEC_FILE } from '../examples/load.ts';
import { ProblemError } from '../problems.ts';
import { displayPath, isExampleRef, walkInputs } from './input-walk.ts';
import type { ValidationUnit } from './validate.ts';

export { displayPath, UsageError } from './input-walk.ts';

/** The example in `dir` (which holds example.yaml), as a unit. */
export function exampleUnit(dir: string): ValidationUnit {
  const abs = path.resolve(dir);
  const root = path.dirname(path.dirname(abs));
  const id = `${path.basename(path.dirname(abs))}/${path.basename(abs)}`;
  try {
    const ex = loadExample(root, id);
    const specPath = path.join(ex.dir, SPEC_FILE);
    return {
      name: id,
      files: ex.files.map((f) => ({ file: f.displayPath, text: f.text })),
      example: { id, spec: ex.spec, specFile: displayPath(specPath), specText: readFileSync(specPath, 'utf8') },
    };
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
  return walkInputs(paths, readStdin).map((u) => (isExampleRef(u) ? exampleUnit(u.exampleDir) : u));
}
