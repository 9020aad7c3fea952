/**
 * Runs kubectl without a shell, with a hard timeout, capturing output.
 * Every child is tracked so an interrupted run can kill what is in flight.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** true when the timeout killed the process. */
  timedOut: boolean;
  durationMs: number;
}

const live = new Set<ChildProcess>();
let interrupted = false;

/**
 * Stops the run: kills every child still running and makes every later run()
 * wait forever, so the interrupted work cannot go on to record results or
 * write a report while the interrupt handler cleans up and exits. Only calls
 * marked `cleanup` still run.
 */
export function interruptAll(): void {
  interrupted = true;
  for (const c of live) c.kill('SIGKILL');
}

export function run(argv: string[], opts: { timeoutMs: number; input?: string; env?: NodeJS.ProcessEnv; cleanup?: boolean }): Promise<RunResult> {
  if (interrupted && !opts.cleanup) return new Promise(() => {});
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    live.add(child);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (e) => {
      stderr += String(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      live.delete(child);
      if (interrupted && !opts.cleanup) return; // killed by the interrupt: never report it as a result
      resolve({ exitCode: code ?? (timedOut ? 124 : 1), stdout, stderr, timedOut, durationMs: Date.now() - started });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Options of one kubectl call. */
export interface KubectlCall {
  /** Hard deadline; the process is killed after it (default 60 s). */
  timeoutMs?: number;
  /** Written to kubectl's stdin (for `-f -`). */
  input?: string;
  /** Still runs after an interrupt (for the interrupt handler's own cleanup). */
  cleanup?: boolean;
}

/**
 * The runner's one seam to the cluster: `kubectl <args>`, no shell. Resolves
 * with the exit code and output, never rejects, so callers decide what a
 * failure means. Tests put a fake behind it (test/support/fake-kubectl.ts).
 */
export interface Kubectl {
  run(args: string[], call?: KubectlCall): Promise<RunResult>;
}

/** The real kubectl: `binary` (a path or a name on PATH), through run(). */
export function cliKubectl(binary: string): Kubectl {
  return { run: (args, call = {}) => run([binary, ...args], { timeoutMs: call.timeoutMs ?? 60_000, input: call.input, cleanup: call.cleanup }) };
}

/** Time, the runner's other seam: waits and deadlines are tested with a fake clock. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};
