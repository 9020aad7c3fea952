// @ts-check
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import mdx from '@astrojs/mdx';
import contentGuard from './src/integrations/content-guard.ts';
import { REPO_URL, SITE_TITLE, SITE_URL, siteConfig } from './src/lib/site/config.ts';
import { CONFORMANCE_PATH, EXAMPLES_INDEX_PATH, VALIDATION_PATH } from './src/lib/site/routes.ts';

export default defineConfig({
  site: SITE_URL,
  // scripts/build.ts builds into a scratch folder and swaps it in whole.
  outDir: siteConfig().outDir,
  trailingSlash: 'ignore',
  integrations: [
    contentGuard(),
    starlight({
      title: SITE_TITLE,
      description: 'How Kubernetes networking really behaves, with every example manifest proven on a real cluster.',
      editLink: { baseUrl: `${REPO_URL}/edit/main/` },
      lastUpdated: false,
      pagefind: true,
      customCss: ['./src/styles/site.css'],
      // Code blocks hide no text: a long manifest line or command wraps inside
      // the frame instead of running past its right edge, and its continuation
      // starts at the line's own indentation (copying still gives the original
      // lines). test/browser/code-blocks.test.ts checks it at 1400x900.
      expressiveCode: { defaultProps: { wrap: true, preserveIndent: true } },
      sidebar: [
        // Starlight resolves autogenerate directories against each entry's file path,
        // which for a collection outside src/content/docs is the path from the project root.
        { label: 'Guides', items: [{ autogenerate: { directory: 'content/guides' } }] },
        { label: 'NetworkPolicy recipes', items: [{ autogenerate: { directory: 'content/networkpolicy-recipes' } }] },
        {
          label: 'Examples',
          items: [
            { label: 'All examples', link: EXAMPLES_INDEX_PATH },
            { label: 'Validation report', link: VALIDATION_PATH },
            { label: 'Upstream tests', link: CONFORMANCE_PATH },
          ],
        },
      ],
    }),
    mdx(),
  ],
});
