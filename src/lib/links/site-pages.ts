/**
 * Where the articles land in the built site, for the checks that inspect
 * dist/ (tests, site stats): each article's route and the examples it
 * embeds, derived from content/ with the route model (src/lib/site/routes.ts),
 * so the expected lists follow the tree as articles are added.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { exampleTags, listArticleFiles } from '../content/guard.ts';
import { readFrontmatter, scanMdx } from '../content/mdx.ts';
import { articleRoute } from '../site/routes.ts';

export interface ArticlePage {
  /** Source file, absolute. */
  file: string;
  /** Source path relative to the content folder, e.g. `guides/services.mdx`. */
  rel: string;
  title: string | undefined;
  /** Site route, e.g. `/guides/services/` (`/` for index). */
  route: string;
  /** Example ids the article embeds: the frontmatter list and the <Example> tags, in order, deduplicated. */
  examples: string[];
  frontmatter: Record<string, unknown> | undefined;
}

/** Every article under contentDir with its route and the examples it embeds. */
export function listArticlePages(contentDir: string): ArticlePage[] {
  return listArticleFiles(contentDir).map((file) => {
    const rel = path.relative(contentDir, file).split(path.sep).join('/');
    const source = readFileSync(file, 'utf8');
    const fm = readFrontmatter(source);
    const declared = Array.isArray(fm?.examples) ? (fm!.examples as unknown[]).filter((x): x is string => typeof x === 'string') : [];
    const tagged = exampleTags(scanMdx(source)).map((t) => t.path).filter((p) => p !== '' && p !== '{expression}');
    return {
      file,
      rel,
      title: typeof fm?.title === 'string' ? fm.title : undefined,
      route: articleRoute(rel, fm),
      examples: [...new Set([...declared, ...tagged])],
      frontmatter: fm,
    };
  });
}
