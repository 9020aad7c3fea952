/**
 * `npm run new:article -- --slug dns --title "DNS" --description "..." [--order 3] [--examples dns/search-path]`
 *
 * Scaffolds content/guides/<slug>.mdx with a frontmatter that passes the
 * content guard (lastReviewed = today) and an <Example> for each example.
 * Missing flags are asked for in a terminal; never overwrites a file.
 * Honours CONTENT_DIR and EXAMPLES_DIR like the content guard does.
 */
import path from 'node:path';
import { listExampleIds, loadExample } from '../src/lib/examples/load.ts';
import { articleFilePath, articleRouteFor, articleRouteTaken, isoDate, nextSidebarOrder, renderArticle } from '../src/lib/scaffold/article.ts';
import { type Field, processIo as io, runScaffold } from '../src/lib/scaffold/cli.ts';
import { UsageError } from '../src/lib/usage-error.ts';
import { createFileAtomic } from '../src/lib/scaffold/write.ts';
import { siteConfig } from '../src/lib/site/config.ts';
import { articleSlugError, descriptionError, exampleListError, orderError, parseExampleList, titleError } from '../src/lib/scaffold/validate.ts';

const cwd = process.cwd();
const { contentDir, examplesDir: exRoot } = siteConfig(cwd);
const show = (p: string) => (path.relative(cwd, p).startsWith('..') ? p : path.relative(cwd, p));

const fields: Field[] = [
  {
    name: 'slug',
    label: 'Slug: the file name and URL (/guides/<slug>/), a DNS label',
    required: true,
    validate: (v) => {
      const err = articleSlugError(v);
      if (err) return err;
      const taken = articleRouteTaken(contentDir, v);
      if (taken) return `${show(taken)} already has the URL ${articleRouteFor(v)}; refusing to overwrite it, pick another slug`;
      return undefined;
    },
  },
  { name: 'title', label: 'Title', required: true, validate: titleError },
  { name: 'description', label: 'Description: one or two sentences for search results and the index', required: true, validate: (v) => descriptionError('description', v) },
  { name: 'order', label: 'Sidebar order', required: false, default: () => String(nextSidebarOrder(contentDir)), validate: orderError },
  {
    name: 'examples',
    label: 'Examples to embed, comma-separated <topic>/<slug> ids (empty for none)',
    required: false,
    default: () => '',
    validate: (v) => exampleListError(v, exRoot),
    hint: () => {
      const ids = listExampleIds(exRoot);
      return ids.length ? `Existing examples: ${ids.join(', ')}` : undefined;
    },
  },
];

const command = 'npm run new:article --';
process.exitCode = await runScaffold(command, fields, process.argv.slice(2), io, (v) => {
  const examples = parseExampleList(v.examples!).map((id) => {
    try {
      return { id, title: loadExample(exRoot, id).spec.title };
    } catch (e) {
      throw new UsageError(`--examples: example ${id} does not load; fix it first (npm run check:content):\n${(e as Error).message}`);
    }
  });
  const file = articleFilePath(contentDir, v.slug!);
  createFileAtomic(file, renderArticle({ title: v.title!, description: v.description!, order: Number(v.order), examples, today: isoDate() }));
  io.stdout.write(
    [
      `created ${show(file)}`,
      '',
      'next steps:',
      `  1. write the article in ${show(file)} (the comment at the top says how; delete it when done)`,
      '  2. npm run check:content   frontmatter, <Example> paths, example specs, commands, personal data, in a second',
      '  3. npm run validate        the example manifests, offline',
      '  4. npm run build && npm run check:links   the built pages and every link in them',
      `  5. npm run dev             preview at http://localhost:4321${articleRouteFor(v.slug!)}`,
      '',
    ].join('\n'),
  );
});
