/**
 * `npm run check:content`: the build's content guard (every content rule,
 * src/lib/content/guard.ts) on its own, in a second.
 * Prints `file:line:col  severity  rule  message` per problem; exit 1 on any
 * error (warnings, such as an example no article embeds, are printed only).
 */
import { runContentGuard } from '../src/integrations/content-guard.ts';
import { formatProblem } from '../src/lib/problems.ts';

const problems = runContentGuard(process.cwd());
for (const p of problems) console.error(formatProblem(p));
console.error(problems.length ? `${problems.length} problem(s)` : 'content check: no problems');
process.exit(problems.some((p) => p.severity === 'error') ? 1 : 0);
