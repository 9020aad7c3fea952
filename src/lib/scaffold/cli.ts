/**
 * The shared command-line part of the scaffolding commands: flags, prompts
 * (only when stdin is a terminal), usage errors and exit codes.
 *
 * Exit codes: 0 created; 1 could not create (it exists by now, or an I/O
 * error); 2 usage error (unknown flag, missing required flag without a
 * terminal to ask on, invalid value).
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { AlreadyExistsError } from './write.ts';
import { UsageError } from '../usage-error.ts';

export interface Field {
  /** Flag name without dashes, e.g. `slug`. */
  name: string;
  /** What to ask for, e.g. `Slug (a DNS label, e.g. clusterip-basic)`. */
  label: string;
  required: boolean;
  /** Value used when an optional field is not given. */
  default?: () => string;
  /** Error message for a bad value, or undefined. */
  validate: (value: string) => string | undefined;
  /** Printed once before the prompt, e.g. the list of existing examples. */
  hint?: () => string | undefined;
}


export interface Io {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export function usage(command: string, fields: Field[]): string {
  const lines = [`usage: ${command} ${fields.map((f) => (f.required ? `--${f.name} VALUE` : `[--${f.name} VALUE]`)).join(' ')}`, ''];
  for (const f of fields) lines.push(`  --${f.name.padEnd(12)} ${f.label}${f.required ? '' : ' (optional)'}`);
  lines.push('', 'Missing values are asked for when run in a terminal; without one, every required flag must be given.');
  return lines.join('\n');
}

/** Parses `--name value` / `--name=value` flags; `--help` gives `{ help: true }`. */
export function parseFlags(argv: string[], fields: Field[]): { help: boolean; values: Record<string, string | undefined> } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const f of fields) options[f.name] = { type: 'string' };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]!);
  }
  const values: Record<string, string | undefined> = {};
  for (const f of fields) {
    const v = parsed.values[f.name];
    values[f.name] = typeof v === 'string' ? v.trim() : undefined;
  }
  return { help: parsed.values.help === true, values };
}

/**
 * Every field's final value. Given flags are validated (a bad one is a usage
 * error). When a required flag is missing: with a terminal, every missing
 * field is asked for (showing its default) until the answer is valid;
 * without one, it is a usage error naming the missing flags.
 */
export async function resolveFields(fields: Field[], given: Record<string, string | undefined>, io: Io): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const missing: Field[] = [];
  for (const f of fields) {
    const v = given[f.name];
    if (v === undefined) {
      missing.push(f);
      continue;
    }
    const err = f.validate(v);
    if (err) throw new UsageError(`--${f.name}: ${err}`);
    out[f.name] = v;
  }
  const missingRequired = missing.filter((f) => f.required);
  if (missingRequired.length === 0) {
    for (const f of missing) out[f.name] = f.default?.() ?? '';
    return out;
  }
  if (!io.stdin.isTTY) {
    throw new UsageError(`missing required flag${missingRequired.length > 1 ? 's' : ''} ${missingRequired.map((f) => `--${f.name}`).join(', ')} (stdin is not a terminal, so nothing can be asked)`);
  }
  const rl = createInterface({ input: io.stdin, output: io.stdout });
  const closed = new AbortController();
  rl.on('close', () => closed.abort());
  try {
    for (const f of missing) {
      const hint = f.hint?.();
      if (hint) io.stdout.write(`${hint}\n`);
      const def = f.default?.();
      for (;;) {
        let answer: string;
        try {
          answer = (await rl.question(`${f.label}${def !== undefined && def !== '' ? ` [${def}]` : ''}: `, { signal: closed.signal })).trim();
        } catch {
          throw new UsageError('input ended before every value was given');
        }
        if (answer === '' && def !== undefined) answer = def;
        if (answer === '' && f.required) {
          io.stdout.write('  a value is required\n');
          continue;
        }
        const err = f.validate(answer);
        if (err) {
          io.stdout.write(`  ${err}\n`);
          continue;
        }
        out[f.name] = answer;
        break;
      }
    }
  } finally {
    rl.close();
  }
  return out;
}

/** Runs a CLI body, mapping errors to messages and exit codes. */
export async function runCli(command: string, fields: Field[], io: Io, body: () => Promise<void>): Promise<number> {
  try {
    await body();
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`error: ${e.message}\n\n${usage(command, fields)}\n`);
      return 2;
    }
    if (e instanceof AlreadyExistsError) {
      io.stderr.write(`error: ${e.message}\n`);
      return 1;
    }
    io.stderr.write(`error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

/** The process's own streams, for the entry points. */
export const processIo: Io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

/**
 * One scaffolding command from argv to exit code: `--help` prints the usage;
 * otherwise the flags, then prompts, give every field's value to `create`.
 * Errors become exit codes as in runCli.
 */
export function runScaffold(command: string, fields: Field[], argv: string[], io: Io, create: (values: Record<string, string>) => Promise<void> | void): Promise<number> {
  return runCli(command, fields, io, async () => {
    const { help, values } = parseFlags(argv, fields);
    if (help) {
      io.stdout.write(`${usage(command, fields)}\n`);
      return;
    }
    await create(await resolveFields(fields, values, io));
  });
}
