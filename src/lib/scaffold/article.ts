/**
 * The article template of `npm run new:article`: an MDX file in
 * content/guides/ whose frontmatter passes the content guard as written
 * (no placeholders), embedding the examples it was given.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { listArticleFiles } from '../content/guard.ts';
import { readFrontmatter } from '../content/mdx.ts';
import { articleRoute } from '../site/routes.ts';

/** The folder under content/ that new articles go to (the sidebar's Guides group). */
export const ARTICLE_SECTION = 'guides';

export interface ArticleInput {
  title: string;
  description: string;
  /** Position in the sidebar. */
  order: number;
  /** Examples to embed, in order, with the title used for each one's heading. */
  examples: { id: string; title: string }[];
  /** YYYY-MM-DD written as lastReviewed. */
  today: string;
}

/** Today's date in the local time zone, as YYYY-MM-DD. */
export function isoDate(d = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** One YAML scalar, quoted only when it has to be. */
function scalar(v: string | number): string {
  return stringify(v, { lineWidth: 0 }).trimEnd();
}

export function articleFilePath(contentDir: string, slug: string): string {
  return path.join(contentDir, ARTICLE_SECTION, `${slug}.mdx`);
}

/** The route the new article gets, e.g. `/guides/dns/` (the route model on the file it writes). */
export function articleRouteFor(slug: string): string {
  return articleRoute(`${ARTICLE_SECTION}/${slug}.mdx`);
}

/** An existing article file that already has the route the new one would get, if any. */
export function articleRouteTaken(contentDir: string, slug: string): string | undefined {
  if (!existsSync(contentDir)) return undefined;
  const want = articleRouteFor(slug);
  return listArticleFiles(contentDir).find((f) => articleRoute(path.relative(contentDir, f), readFrontmatter(readFileSync(f, 'utf8'))) === want);
}

/** One more than the highest sidebar order among the existing articles of the section (1 when none). */
export function nextSidebarOrder(contentDir: string): number {
  const dir = path.join(contentDir, ARTICLE_SECTION);
  if (!existsSync(dir)) return 1;
  let max = 0;
  for (const f of listArticleFiles(dir)) {
    const order = (readFrontmatter(readFileSync(f, 'utf8'))?.sidebar as { order?: unknown } | undefined)?.order;
    if (typeof order === 'number' && Number.isFinite(order)) max = Math.max(max, order);
  }
  return max + 1;
}

export function renderArticle(input: ArticleInput): string {
  const fm = [
    '---',
    `title: ${scalar(input.title)}`,
    `description: ${scalar(input.description)}`,
    'sidebar:',
    `  order: ${input.order}`,
    `examples: [${input.examples.map((e) => e.id).join(', ')}]`,
    `lastReviewed: ${input.today}`,
    '---',
  ];
  const body: string[] = [];
  if (input.examples.length) body.push("import Example from '~/components/Example.astro';", '');
  body.push(
    '{/*',
    '  How to write this article (this comment is not published; delete it when done):',
    '  - Write in your own words. Check every claim against the upstream Kubernetes',
    '    documentation (kubernetes.io/docs), then set lastReviewed to that day.',
    '  - Show behaviour with examples: the Example component embeds one by its id',
    '    (path="topic/slug"), and the id must also be listed under examples: above.',
    '  - Every kubectl command in a sh, bash, shell or console code block must be one an',
    '    example renders (its checks under "Try it", or its apply commands): CI runs those.',
    '  - Diagrams are SVG files in public/diagrams/, embedded as Markdown images.',
    '  - No personal data: no e-mail addresses or phone numbers.',
    '  Then run: npm run check:content, npm test -- --project unit, npm run dev.',
    '*/}',
    '',
    input.description,
    '',
  );
  for (const ex of input.examples) {
    body.push(`## ${ex.title}`, '', `<Example path="${ex.id}" />`, '');
  }
  return `${fm.join('\n')}\n${body.join('\n')}`;
}
