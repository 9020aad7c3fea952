/**
 * The build-time content guard (src/lib/content/guard.ts) on article strings,
 * without a build. Examples come from the loader fixture tree
 * test/fixtures/examples/good (demo/hello, demo/two-docs).
 */
import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { checkArticle, checkSite, findExampleTags, indexExamples, listArticleFiles } from '../../src/lib/content/guard.ts';
import { formatProblem } from '../../src/lib/problems.ts';

const examples = path.resolve(import.meta.dirname, '..', 'fixtures', 'examples', 'good');

/** An article: frontmatter lines, then body lines. */
const article = (fm: string[], body: string[] = []) => ['---', ...fm, '---', ...body, ''].join('\n');
const okFrontmatter = ['title: Demo', 'description: A demo article that embeds one example.', 'examples: [demo/hello]', 'lastReviewed: 2026-11-21'];
const index = indexExamples(examples);
const check = (source: string) => checkArticle('content/guides/demo.mdx', source, index);
const lines = (source: string) => check(source).problems.map(formatProblem).map((s) => s.split('\n')[0]);

describe('a good article', () => {
  const source = article(okFrontmatter, ["import Example from '~/components/Example.astro';", '', '<Example path="demo/hello" />']);

  test('has no problems', () => {
    expect(check(source).problems).toEqual([]);
  });

  test('is scanned: frontmatter values and the Example tag with its position', () => {
    const { scanned } = check(source);
    expect(scanned.frontmatter).toMatchObject({ title: 'Demo', examples: ['demo/hello'] });
    expect(scanned.tags).toEqual([{ path: 'demo/hello', line: 9, column: 1 }]);
  });

  test('may embed several examples, single-quoted paths too', () => {
    const src = article(
      ['title: Demo', 'description: A demo article that embeds two examples.', 'examples: [demo/hello, demo/two-docs]', 'lastReviewed: 2026-11-21'],
      ["<Example path='demo/hello' />", 'Some words. <Example path="demo/two-docs" hideChecks />'],
    );
    expect(check(src).problems).toEqual([]);
    expect(check(src).scanned.tags.map((t) => [t.path, t.line, t.column])).toEqual([['demo/hello', 7, 1], ['demo/two-docs', 8, 13]]);
  });
});

describe('frontmatter', () => {
  test('without a title: frontmatter rule, "title is required", at the start of the frontmatter (line 2)', () => {
    const src = article(['description: A demo article that has no title at all.', 'lastReviewed: 2026-11-21']);
    expect(lines(src)).toEqual(['content/guides/demo.mdx:2:1  error  frontmatter  title is required']);
    expect(check(src).problems[0]!.hint).toContain('title');
  });

  test('with an empty title', () => {
    const src = article(['title: ""', 'description: A demo article with an empty title.', 'lastReviewed: 2026-11-21']);
    expect(check(src).problems).toMatchObject([{ line: 2, column: 8, rule: 'frontmatter' }]);
  });

  test('no frontmatter block at all: frontmatter-missing at 1:1', () => {
    expect(lines('# Just a heading\n')).toEqual(['content/guides/demo.mdx:1:1  error  frontmatter-missing  the article has no frontmatter block']);
  });

  test('a description that is too short points at the value', () => {
    const src = article(['title: Demo', 'description: Too short.', 'lastReviewed: 2026-11-21']);
    expect(check(src).problems).toMatchObject([{ line: 3, column: 14, rule: 'frontmatter' }]);
    expect(check(src).problems[0]!.message).toMatch(/^description: /);
  });

  test('a missing description and lastReviewed are both reported', () => {
    const src = article(['title: Demo']);
    expect(check(src).problems.map((p) => p.message).sort()).toEqual(['description is required', 'lastReviewed is required']);
  });

  test('lastReviewed that is not a date is reported at its value', () => {
    const src = article(['title: Demo', 'description: A demo article with a bad date.', 'lastReviewed: not a date']);
    expect(check(src).problems).toMatchObject([{ line: 4, column: 15, rule: 'frontmatter' }]);
  });

  test('an examples entry that is not an id points at the entry', () => {
    const src = article(['title: Demo', 'description: A demo article with a bad example id.', 'examples: [Demo]', 'lastReviewed: 2026-11-21']);
    const problems = check(src).problems;
    expect(problems.find((p) => p.rule === 'frontmatter')).toMatchObject({ line: 4, column: 12 });
  });

  test('malformed YAML is yaml-parse, with the position shifted past the opening ---', () => {
    const src = article(['title: Demo', 'description: "unterminated', 'lastReviewed: 2026-11-21']);
    const problems = check(src).problems;
    expect(problems.length).toBeGreaterThanOrEqual(1);
    expect(problems[0]).toMatchObject({ rule: 'yaml-parse', severity: 'error' });
    expect(problems[0]!.line).toBeGreaterThanOrEqual(3); // the broken value is on file line 3
    expect(problems[0]!.line).toBeLessThanOrEqual(4);
  });

  test('a duplicate key is yaml-duplicate-key at the second key', () => {
    const src = article(['title: Demo', 'title: Again', 'description: A demo article with a duplicate key.', 'lastReviewed: 2026-11-21']);
    expect(lines(src)).toEqual([expect.stringMatching(/^content\/guides\/demo\.mdx:3:1  error  yaml-duplicate-key  .*Map keys must be unique/)]);
  });
});

describe('<Example> tags', () => {
  test('a path that does not exist: example-missing at the tag, naming the path', () => {
    const src = article(
      ['title: Demo', 'description: A demo article that embeds a missing example.', 'examples: [demo/nope]', 'lastReviewed: 2026-11-21'],
      ['', 'Some text, then', '  <Example path="demo/nope" />'],
    );
    const problems = check(src).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'content/guides/demo.mdx', line: 9, column: 3, rule: 'example-missing', severity: 'error' });
    expect(problems[0]!.message).toContain('<Example path="demo/nope">');
  });

  test('an example whose manifest is broken fails the article that embeds it, at the tag', () => {
    const broken = path.resolve(import.meta.dirname, '..', 'fixtures', 'examples', 'duplicate-key');
    const src = article(
      ['title: Demo', 'description: A demo article that embeds a broken example.', 'examples: [demo/duplicate-key]', 'lastReviewed: 2026-11-21'],
      ['<Example path="demo/duplicate-key" />'],
    );
    const problems = checkArticle('content/guides/demo.mdx', src, indexExamples(broken)).problems;
    expect(problems).toMatchObject([{ line: 7, column: 1, rule: 'yaml-duplicate-key' }]);
    expect(problems[0]!.message).toMatch(/pod\.yaml:5:3/);
  });

  test('a path given as an expression: example-path', () => {
    const src = article(['title: Demo', 'description: A demo article that uses an expression.', 'lastReviewed: 2026-11-21'], ['<Example path={id} />']);
    expect(lines(src)).toEqual(['content/guides/demo.mdx:6:1  error  example-path  <Example> needs a literal path="<topic>/<slug>" attribute']);
  });

  test('no path at all: example-path', () => {
    const src = article(['title: Demo', 'description: A demo article with a bare Example.', 'lastReviewed: 2026-11-21'], ['<Example />']);
    expect(check(src).problems.map((p) => p.rule)).toEqual(['example-path']);
  });

  test('a tag inside a fenced code block is documentation, not an embed', () => {
    const src = article(
      ['title: Demo', 'description: A demo article that shows the tag in code.', 'lastReviewed: 2026-11-21'],
      ['````mdx', '```', '<Example path="demo/nope" />', '```', '````', '~~~', '<Example path="demo/nope" />', '~~~'],
    );
    expect(check(src).problems).toEqual([]);
    expect(findExampleTags(src)).toEqual([]);
  });

  test('frontmatter examples and tags must agree, both ways', () => {
    const src = article(
      ['title: Demo', 'description: A demo article whose list disagrees.', 'examples: [demo/two-docs]', 'lastReviewed: 2026-11-21'],
      ['<Example path="demo/hello" />'],
    );
    expect(lines(src)).toEqual([
      'content/guides/demo.mdx:1:1  error  frontmatter-examples  frontmatter lists example demo/two-docs but the article has no <Example path="demo/two-docs" />',
      'content/guides/demo.mdx:7:1  error  frontmatter-examples  <Example path="demo/hello"> is not listed in the frontmatter examples',
    ]);
  });
});

describe('checkSite over a folder', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'guard-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'guides'), { recursive: true });
  writeFileSync(path.join(dir, 'index.mdx'), article(['title: Home', 'description: The home page of the fixture site.', 'lastReviewed: 2026-11-21']));
  writeFileSync(path.join(dir, 'guides', 'a.mdx'), article(okFrontmatter, ['<Example path="demo/hello" />']));
  writeFileSync(path.join(dir, 'guides', 'b.md'), article(['description: No title here, only a description.', 'lastReviewed: 2026-11-21']));
  writeFileSync(path.join(dir, 'guides', '_draft.mdx'), 'not an article: files starting with _ are skipped');
  writeFileSync(path.join(dir, 'guides', 'notes.txt'), 'not an article');

  test('lists md and mdx files, skipping _ files, sorted', () => {
    expect(listArticleFiles(dir).map((f) => path.relative(dir, f))).toEqual([path.join('guides', 'a.mdx'), path.join('guides', 'b.md'), 'index.mdx']);
  });

  test('reports the problems of every article and example, with absolute paths outside the root', () => {
    const { problems, articles } = checkSite({ contentDir: dir, examplesDir: examples, root: process.cwd() });
    expect(articles).toHaveLength(3);
    expect(problems.map(formatProblem).map((s) => s.split('\n')[0])).toEqual([
      `${path.join(dir, 'guides', 'b.md')}:2:1  error  frontmatter  title is required`,
      `${path.relative(process.cwd(), path.join(examples, 'demo', 'two-docs', 'example.yaml'))}:1:1  warning  example-unused  example demo/two-docs is not embedded by any article`,
    ]);
  });

  test('runs the command and personal-data rules on articles and example files', () => {
    const site = mkdtempSync(path.join(tmpdir(), 'guard-site-'));
    try {
      mkdirSync(path.join(site, 'content'));
      mkdirSync(path.join(site, 'examples', 'demo'), { recursive: true });
      cpSync(path.join(examples, 'demo', 'hello'), path.join(site, 'examples', 'demo', 'hello'), { recursive: true });
      writeFileSync(path.join(site, 'examples', 'demo', 'hello', 'NOTES.md'), 'ask someone@domain.tld\n');
      writeFileSync(
        path.join(site, 'content', 'a.mdx'),
        article(okFrontmatter, ['<Example path="demo/hello" />', '', '```sh', 'kubectl get pods -A', 'kubectl create namespace hello', '```', '', 'Call (415) 555-0100.']),
      );
      const { problems } = checkSite({ contentDir: path.join(site, 'content'), examplesDir: path.join(site, 'examples'), root: site });
      expect(problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.rule}`)).toEqual([
        'content/a.mdx:14:6 personal-data',
        'content/a.mdx:10:1 command-not-a-check',
        'examples/demo/hello/NOTES.md:1:5 personal-data',
      ]);
    } finally {
      rmSync(site, { recursive: true, force: true });
    }
  });
});
