// The content guard (src/lib/content/guard.ts: every content rule, the same
// run as the build and `npm run check:content`) over the real content/ and
// examples/ (or $CONTENT_DIR and $EXAMPLES_DIR). Everything is derived from
// the files: articles and examples added later are checked without touching
// this test. The rules themselves are unit-tested on fixtures in
// test/unit/content-lint.test.ts, test/unit/content-guard.test.ts and
// test/unit/mdx-scan.test.ts.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSite } from '../../src/lib/content/guard.ts';
import { listExampleIds } from '../../src/lib/examples/load.ts';
import { formatProblem, type Problem } from '../../src/lib/problems.ts';
import { siteConfig } from '../../src/lib/site/config.ts';

const config = siteConfig();
const { problems, articles } = checkSite({ contentDir: config.contentDir, examplesDir: config.examplesDir, root: config.root });
const exampleIds = listExampleIds(config.examplesDir);
const rel = (p: string) => path.relative(config.root, p) || p;
const show = (ps: Problem[]) => ps.map(formatProblem);
const under = (dir: string) => (p: Problem) => path.resolve(config.root, p.file).startsWith(dir + path.sep);

describe('content and examples exist', () => {
  it('content/ has articles and examples/ has examples', () => {
    expect(articles.length, `no articles under ${rel(config.contentDir)}`).toBeGreaterThan(0);
    expect(exampleIds.length, `no examples under ${rel(config.examplesDir)}`).toBeGreaterThan(0);
  });

  it('every problem belongs to an article or an example (nothing is reported elsewhere)', () => {
    expect(show(problems.filter((p) => !under(config.contentDir)(p) && !under(config.examplesDir)(p)))).toEqual([]);
  });
});

describe.each(articles.map((a) => [a.file] as const))('article %s', (file) => {
  it('passes every content rule (frontmatter, examples, commands, personal data)', () => {
    expect(show(problems.filter((p) => p.file === file))).toEqual([]);
  });
});

describe.each(exampleIds.map((id) => [id] as const))('example %s', (id) => {
  it('loads, is embedded by an article and holds no personal data', () => {
    expect(show(problems.filter(under(path.join(config.examplesDir, id))))).toEqual([]);
  });
});
