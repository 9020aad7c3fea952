// The one MDX scanner (src/lib/content/mdx.ts): frontmatter, fences and
// component tags with file positions.
import { describe, expect, it } from 'vitest';
import { frontmatterOf, readFrontmatter, scanMdx } from '../../src/lib/content/mdx.ts';

describe('frontmatter', () => {
  it('is the block between the first two --- lines, its YAML starting on line 2', () => {
    expect(frontmatterOf('---\ntitle: T\nslug: index\n---\nbody')).toEqual({ yaml: 'title: T\nslug: index', line: 2 });
    expect(readFrontmatter('---\ntitle: T\nexamples: [a/b]\n---\n')).toEqual({ title: 'T', examples: ['a/b'] });
  });

  it('is absent without an opening fence, and unreadable YAML reads as none', () => {
    expect(frontmatterOf('# Title\n---\nx: 1\n---\n')).toBeUndefined();
    expect(readFrontmatter('---\ntitle: [unclosed\n---\n')).toBeUndefined();
    expect(readFrontmatter('---\n- a list\n---\n')).toBeUndefined();
  });

  it('is not read as Markdown: a heading-like line in it is no code and no tag', () => {
    const s = scanMdx('---\ntitle: <Example path="x/y" />\n---\n\n```sh\nkubectl get pods\n```\n');
    expect(s.tags).toEqual([]);
    expect(s.codeBlocks).toEqual([{ lang: 'sh', startLine: 6, lines: ['kubectl get pods'] }]);
  });
});

describe('code blocks', () => {
  it('finds ``` and ~~~ fences with the language, the first content line and the lines without the fence indentation', () => {
    const blocks = scanMdx('a\n\n```sh title="x"\none\n```\n\n  ~~~console\n  two\n  ~~~\n\n````\n```\n````\n').codeBlocks;
    expect(blocks).toEqual([
      { lang: 'sh', startLine: 4, lines: ['one'] },
      { lang: 'console', startLine: 8, lines: ['two'] },
      { lang: '', startLine: 12, lines: ['```'] },
    ]);
  });

  it('treats indented lines as text, as MDX does (no indented code blocks)', () => {
    expect(scanMdx('para\n\n    kubectl get pods\n').codeBlocks).toEqual([]);
  });

  it('finds fences inside lists and components', () => {
    const src = ['- step one', '', '  ```bash', '  kubectl get svc', '  ```', '', '<Steps>', '', '```sh', 'echo hi', '```', '', '</Steps>'].join('\n');
    expect(scanMdx(src).codeBlocks.map((b) => [b.lang, b.startLine, b.lines])).toEqual([
      ['bash', 4, ['kubectl get svc']],
      ['sh', 10, ['echo hi']],
    ]);
  });
});

describe('component tags', () => {
  const src = [
    '---',
    'title: T',
    '---',
    "import Example from '~/components/Example.astro';",
    '',
    'Text <Example path="a/b" hideChecks /> and `<Example path="in/code" />`.',
    '',
    '<Tabs>',
    '  <TabItem label="One">',
    '',
    '    <Example path=\'c/d\' />',
    '',
    '  </TabItem>',
    '</Tabs>',
    '',
    '```mdx',
    '<Example path="in/fence" />',
    '```',
    '',
    '<Example',
    '  path="e/f"',
    '/>',
    '<Example path={id} />',
  ].join('\n');
  const tags = scanMdx(src).tags;

  it('finds capitalised tags outside code with 1-based positions', () => {
    expect(tags.map((t) => [t.name, t.line, t.column])).toEqual([
      ['Example', 6, 6],
      ['Tabs', 8, 1],
      ['TabItem', 9, 3],
      ['Example', 11, 5],
      ['Example', 20, 1],
      ['Example', 23, 1],
    ]);
  });

  it('reads literal attributes, bare ones as "", expressions as undefined', () => {
    expect(tags[0]!.attributes).toEqual({ path: 'a/b', hideChecks: '' });
    expect(tags[3]!.attributes).toEqual({ path: 'c/d' });
    expect(tags[4]!.attributes).toEqual({ path: 'e/f' });
    expect('path' in tags[5]!.attributes && tags[5]!.attributes.path).toBeUndefined();
  });
});
