/**
 * Turns command-line paths into validation units, without loading examples:
 *
 * - a folder holding example.yaml is an example: returned as a reference
 *   (`{ exampleDir }`), which inputs.ts turns into a unit with the example
 *   loader; keeping the loader (and its schema library) out of this module
 *   lets the CLI start without it when no example is involved;
 * - any other folder is walked: each example below it is one unit, and the
 *   YAML files directly inside each other folder form one unit per folder;
 * - a file is a unit of its own (example.yaml stands for its example);
 * - `-` is standard input, one unit.
 */
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { SPEC_FILE } from '../examples/spec-file.ts';
import { UsageError } from '../usage-error.ts';
import type { ValidationUnit } from './validate.ts';


export function displayPath(p: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, p);
  return rel === '' ? '.' : rel.startsWith('..') ? p : rel;
}

/** An example folder found by the walk, to be loaded with the example loader. */
export interface ExampleRef {
  exampleDir: string;
}

export type WalkedInput = ValidationUnit | ExampleRef;

export function isExampleRef(u: WalkedInput): u is ExampleRef {
  return 'exampleDir' in u;
}

const YAML_FILE = /\.ya?ml$/i;

function readText(p: string): string {
  try {
    return readFileSync(p, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${displayPath(p)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Checks now that the file is readable, reads it when the unit is validated. */
function lazyText(p: string): () => string {
  try {
    accessSync(p, constants.R_OK);
  } catch (e) {
    throw new UsageError(`cannot read ${displayPath(p)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return () => readText(p);
}

/** Units for one folder and everything below it. */
function folderUnits(dir: string, out: WalkedInput[]): void {
  if (existsSync(path.join(dir, SPEC_FILE))) {
    out.push({ exampleDir: dir });
    return;
  }
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new UsageError(`cannot read folder ${displayPath(dir)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files = entries.filter((e) => e.isFile() && YAML_FILE.test(e.name)).map((e) => path.join(dir, e.name));
  if (files.length) out.push({ name: displayPath(dir), files: files.map((f) => ({ file: displayPath(f), text: lazyText(f) })) });
  for (const e of entries) {
    if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') folderUnits(path.join(dir, e.name), out);
  }
}

/**
 * Units and example references for the given paths (`examples` when none).
 * Throws UsageError for a path that does not exist or cannot be read.
 * `readStdin` is called for `-`.
 */
export function walkInputs(paths: string[], readStdin: () => string): WalkedInput[] {
  const out: WalkedInput[] = [];
  const list = paths.length ? paths : ['examples'];
  for (const p of list) {
    if (p === '-') {
      out.push({ name: '-', files: [{ file: '-', text: readStdin() }] });
      continue;
    }
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(`cannot read ${p}: ${code === 'ENOENT' ? 'no such file or folder' : code ?? (e as Error).message}`);
    }
    if (st.isDirectory()) folderUnits(p, out);
    else if (path.basename(p) === SPEC_FILE) out.push({ exampleDir: path.dirname(p) });
    else out.push({ name: displayPath(p), files: [{ file: displayPath(path.resolve(p)), text: lazyText(p) }] });
  }
  return out;
}
