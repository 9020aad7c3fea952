/**
 * `npm run check:links [dir]`: checks every internal link and anchor of a
 * built site (dist/ by default). One line per problem,
 * `file:line:col  error  broken-link  message`; exit 1 on any.
 *
 *   --format json     print { ok, problems, stats } instead
 *   --site-url URL    absolute links on this origin count as internal
 *                     (default: SITE_URL, the URL the site was built for)
 *   --base PATH       the site's base path (default /)
 */
import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkLinks } from '../src/lib/links/check-links.ts';
import { formatProblem } from '../src/lib/problems.ts';
import { SITE_URL } from '../src/lib/site/config.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    format: { type: 'string', default: 'text' },
    'site-url': { type: 'string', default: SITE_URL },
    base: { type: 'string', default: '/' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('usage: npm run check:links -- [dir] [--format text|json] [--site-url URL] [--base PATH]');
  process.exit(0);
}
if (values.format !== 'text' && values.format !== 'json') {
  console.error(`--format must be text or json, not ${values.format}`);
  process.exit(2);
}
const dir = positionals[0] ?? 'dist';
if (!existsSync(dir) || !statSync(dir).isDirectory()) {
  console.error(`${dir}: no such folder; build the site first (npm run build)`);
  process.exit(2);
}
const { problems, stats } = checkLinks(dir, { siteUrl: values['site-url'] || undefined, base: values.base });
if (values.format === 'json') {
  console.log(JSON.stringify({ ok: problems.length === 0, problems, stats }, null, 2));
} else {
  for (const p of problems) console.log(formatProblem(p));
  const summary = `${stats.pages} pages, ${stats.internal} internal links (${stats.anchors} with anchors), ${stats.external} external links not fetched`;
  console.error(problems.length ? `${problems.length} broken link(s) in ${summary}` : `check:links: no broken links; ${summary}`);
}
process.exit(problems.length ? 1 : 0);
