/**
 * What the checks report before it is located: a rule, a message and the
 * path of the offending node inside a resource. The orchestrator
 * (validate.ts) turns findings into located Problems.
 */
import type { Severity } from '../problems.ts';
import type { PathSeg } from '../yaml/plain.ts';

export interface Finding {
  rule: string;
  message: string;
  hint?: string;
  /** Overrides the rule's default severity. */
  severity?: Severity;
  /** Path from the resource root to the offending node. */
  path: PathSeg[];
  /** Point at the key of the last path step (unknown field) rather than its value. */
  at?: 'key' | 'value';
  /**
   * The finding assumes the unit is everything that is applied, together: an
   * object it refers to is absent (a Service selecting no pod of the unit, a
   * route whose Gateway is not in it), or two files of it define the same
   * object. Only a closed world (an example, or --closed-world) makes that an
   * error: loose files may be completed by objects applied from elsewhere, or
   * be alternatives applied one at a time.
   */
  closedWorld?: true;
}

/** A short description of a value for messages: `string "2"`, `integer 8080`, `object`. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string':
      return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 37) + '...' : v)}`;
    case 'number':
      return Number.isInteger(v) ? `integer ${v}` : `number ${v}`;
    case 'bigint':
      return `integer ${v}`;
    case 'boolean':
      return `boolean ${v}`;
    case 'object':
      return 'a mapping';
    default:
      return typeof v;
  }
}

/** Closest candidate by edit distance (for "did you mean"), or undefined when none is close. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const lw = word.toLowerCase();
  for (const c of candidates) {
    if (c.toLowerCase() === lw) return c;
    const d = editDistance(lw, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Infinity;
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
