/**
 * Astro integration: runs the content guard (src/lib/content/guard.ts, every
 * content rule) before a build, so a missing example, malformed YAML, bad
 * frontmatter or a command CI never ran stops the build with
 * `file:line:col  error  rule  message` instead of an Astro stack trace.
 * Warnings (an example no article embeds) are printed and do not stop it.
 * In `astro dev` every problem is printed as a warning and the server keeps
 * running, so a contributor can fix them live.
 */
import type { AstroIntegration } from 'astro';
import { checkSite } from '../lib/content/guard.ts';
import { formatProblem, ProblemError, type Problem } from '../lib/problems.ts';
import { siteConfig } from '../lib/site/config.ts';

/** Every content problem of the project rooted at `root` (content and examples folders from the site config). */
export function runContentGuard(root: string): Problem[] {
  const config = siteConfig(root);
  return checkSite({ contentDir: config.contentDir, examplesDir: config.examplesDir, root: process.cwd() }).problems;
}

export default function contentGuard(): AstroIntegration {
  return {
    name: 'content-guard',
    hooks: {
      'astro:config:setup': ({ command, logger, config }) => {
        const problems = runContentGuard(new URL('.', config.root).pathname);
        if (problems.length === 0) return;
        const text = problems.map(formatProblem).join('\n');
        const errors = problems.filter((p) => p.severity === 'error');
        if (command === 'build' && errors.length > 0) {
          // Printed in full on stderr: Astro's own error box may shorten the message.
          process.stderr.write(`\ncontent check failed with ${problems.length} problem(s):\n${text}\n\n`);
          throw new ProblemError(errors);
        }
        logger.warn(`content check found ${problems.length} problem(s):\n${text}`);
      },
    },
  };
}
