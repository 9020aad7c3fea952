// Articles live in top-level content/ (not Starlight's default src/content/docs),
// next to examples/, so contributors find both at the top of the repository.
import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { docsSchema } from '@astrojs/starlight/schema';
import { articleFields } from './lib/content/article-schema.ts';
import { siteConfig } from './lib/site/config.ts';

export const collections = {
  docs: defineCollection({
    loader: glob({ base: siteConfig().contentDir, pattern: '**/[^_]*.{md,mdx}' }),
    // lastReviewed is optional here only because generated pages (examples, validation) share this schema;
    // the content guard requires it on every article file.
    schema: docsSchema({ extend: articleFields.partial({ lastReviewed: true }) }),
  }),
};
