import { ProblemError, type Problem } from '../../src/lib/problems.ts';

/** The problems a call throws as a ProblemError; fails the test when it succeeds or throws anything else. */
export function problemsOf(fn: () => unknown): Problem[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProblemError) return e.problems;
    throw e;
  }
  throw new Error('expected a ProblemError, but the call succeeded');
}
