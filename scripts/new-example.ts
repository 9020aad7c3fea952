/**
 * `npm run new:example -- --topic services --slug my-example --title "..." --summary "..." [--kind server-client|networkpolicy]`
 *
 * Scaffolds examples/<topic>/<slug>/ (example.yaml and manifests) that loads
 * with the example loader and follows examples/README.md. Missing flags are
 * asked for in a terminal; the folder is written whole and never overwrites
 * anything. Honours EXAMPLES_DIR like the loader does.
 */
import path from 'node:path';
import { listExampleIds } from '../src/lib/examples/load.ts';
import { type Field, processIo as io, runScaffold } from '../src/lib/scaffold/cli.ts';
import { exampleDirPath, renderExample } from '../src/lib/scaffold/example.ts';
import { createFolderAtomic } from '../src/lib/scaffold/write.ts';
import { descriptionError, EXAMPLE_KINDS, exampleSlugError, type ExampleKind, kindError, titleError, topicError } from '../src/lib/scaffold/validate.ts';
import { siteConfig } from '../src/lib/site/config.ts';
import { examplePagePath } from '../src/lib/site/routes.ts';

const cwd = process.cwd();
const exRoot = siteConfig(cwd).examplesDir;
const show = (p: string) => (path.relative(cwd, p).startsWith('..') ? p : path.relative(cwd, p));

const fields: Field[] = [
  {
    name: 'topic',
    label: 'Topic: the folder under examples/ (an existing one or a new DNS label)',
    required: true,
    validate: (v) => topicError(v, exRoot),
    hint: () => {
      const topics = [...new Set(listExampleIds(exRoot).map((id) => id.split('/')[0]))];
      return topics.length ? `Existing topics: ${topics.join(', ')}` : undefined;
    },
  },
  { name: 'slug', label: 'Slug: the folder name and the namespace it runs in, unique across topics (a DNS label)', required: true, validate: (v) => exampleSlugError(v, exRoot) },
  { name: 'title', label: 'Title', required: true, validate: titleError },
  { name: 'summary', label: 'Summary: one sentence on what it shows', required: true, validate: (v) => descriptionError('summary', v) },
  { name: 'kind', label: `Kind (${EXAMPLE_KINDS.join(' or ')})`, required: false, default: () => 'server-client', validate: kindError },
];

const command = 'npm run new:example --';
process.exitCode = await runScaffold(command, fields, process.argv.slice(2), io, (v) => {
  const dir = exampleDirPath(exRoot, v.topic!, v.slug!);
  const files = renderExample({ title: v.title!, summary: v.summary!, kind: v.kind as ExampleKind });
  createFolderAtomic(dir, files);
  const id = `${v.topic}/${v.slug}`;
  io.stdout.write(
    [
      `created ${show(dir)}/`,
      ...Object.keys(files).map((f) => `  ${f}`),
      '',
      'next steps:',
      `  1. make the manifests show your point, and the checks in ${show(path.join(dir, 'example.yaml'))} prove it`,
      ...(v.kind === 'networkpolicy' ? ['     (keep at least one check that expects blocked, refused or timeout: a CNI that ignores policy fails open)'] : []),
      `  2. embed it in an article: <Example path="${id}" /> and "${id}" under examples: in its frontmatter`,
      `     (or start one: npm run new:article -- --examples ${id} ...); every example must be used by an article`,
      '  3. npm run check:content   the example spec and every <Example> path, in a second',
      '  4. npm run validate        the manifests, offline: schema, selectors, ports, Pod Security',
      `  5. npm run dev             preview at http://localhost:4321${examplePagePath(id)}`,
      '',
    ].join('\n'),
  );
});
