// The route model and the config module (src/lib/site/).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listArticleFiles } from '../../src/lib/content/guard.ts';
import { siteConfig } from '../../src/lib/site/config.ts';
import { articleId, articleRoute, distFileForRoute, examplePagePath, rawFilePath, rawFileUrl, routeOfId, slugSegment, withBase } from '../../src/lib/site/routes.ts';
import { routeRows, routesContentDir } from '../support/route-table.ts';

describe('article routes (the fixture table that test/build/routes.test.ts checks against Astro)', () => {
  const rows = routeRows();

  it('covers every article of the fixture site', () => {
    expect(rows.map((r) => r.rel).sort()).toEqual(listArticleFiles(routesContentDir).map((f) => path.relative(routesContentDir, f)).sort());
  });

  it.each(rows.map((r) => [r.rel, r.route, r] as const))('%s -> %s', (_rel, route, row) => {
    expect(articleRoute(row.rel, row.frontmatter)).toBe(route);
  });
});

describe('the rule in parts', () => {
  /** [function, input, output]: each step of the rule on the cases that tell implementations apart. */
  const steps: [string, (s: string) => string, string, string][] = [
    ['slugSegment', slugSegment, 'Network  Policy', 'network--policy'],
    ['slugSegment', slugSegment, 'Services & DNS', 'services--dns'],
    ['slugSegment', slugSegment, 'v1.2_Notes', 'v12_notes'],
    ['slugSegment', slugSegment, 'Ünïcode Café', 'ünïcode-café'],
    ['articleId', articleId, 'guides/deep/index.md', 'guides/deep'],
    ['articleId', articleId, 'index.mdx', 'index'],
    ['routeOfId', routeOfId, 'index', '/'],
    ['routeOfId', routeOfId, '', '/'],
    ['routeOfId', routeOfId, 'guides/index', '/guides/'],
    ['routeOfId', routeOfId, 'guides/services', '/guides/services/'],
  ];
  it.each(steps.map(([name, fn, input, output]) => [name, input, output, fn] as const))('%s(%j) is %j', (_name, input, output, fn) => {
    expect(fn(input)).toBe(output);
  });

  it('takes a frontmatter slug verbatim', () => {
    expect(articleId('guides/X.mdx', { slug: 'Keep/As Is' })).toBe('Keep/As Is');
  });
});

describe('base and example paths', () => {
  it.each([
    ['/conformance/', '/', '/conformance/'],
    ['/conformance/', '/docs', '/docs/conformance/'],
    ['/conformance/', '/docs/', '/docs/conformance/'],
    ['conformance/', '/docs/', '/docs/conformance/'],
    ['/examples/', '', '/examples/'],
    ['/', '/docs/', '/docs/'],
  ])('withBase(%j, %j) is %j', (p, base, href) => expect(withBase(p, base)).toBe(href));

  it('builds example page, raw file and URL paths from one id', () => {
    expect(examplePagePath('services/clusterip-basic')).toBe('/examples/services/clusterip-basic/');
    expect(rawFilePath('services/clusterip-basic/service.yaml')).toBe('/examples/services/clusterip-basic/service.yaml');
    expect(rawFileUrl('services/clusterip-basic/service.yaml', 'https://docs.example.test/')).toBe('https://docs.example.test/examples/services/clusterip-basic/service.yaml');
    expect(distFileForRoute('/d', '/guides/dns/')).toBe(path.join('/d', 'guides', 'dns', 'index.html'));
    expect(distFileForRoute('/d', '/')).toBe(path.join('/d', 'index.html'));
  });
});

describe('site config', () => {
  it('resolves every path against the root, with the defaults', () => {
    const c = siteConfig('/repo', {});
    expect(c).toEqual({
      root: '/repo',
      siteUrl: 'http://localhost:4321',
      repoUrl: 'https://github.com/kubernetes-networking-proven/site',
      contentDir: '/repo/content',
      examplesDir: '/repo/examples',
      clusterReport: '/repo/reports/cluster-validation.json',
      conformanceReport: '/repo/reports/conformance.json',
      outDir: '/repo/dist',
      publicDir: '/repo/public',
      cacheDir: '/repo/.cache',
      clusterCacheDir: '/repo/.cache/cluster',
      binLinksDir: '/repo/.cache/cluster/bin-links',
      kubeconfig: '/repo/.cache/cluster/kubeconfig',
      lastBuildMsFile: '/repo/.cache/last-build-ms',
    });
  });

  it('takes the variables, trims URL slashes, and treats an empty value as unset', () => {
    const c = siteConfig('/repo', { SITE_URL: 'https://x.test/docs//', CONTENT_DIR: '/abs/content', EXAMPLES_DIR: '', CLUSTER_REPORT: 'r.json' });
    expect([c.siteUrl, c.contentDir, c.examplesDir, c.clusterReport]).toEqual(['https://x.test/docs', '/abs/content', '/repo/examples', '/repo/r.json']);
  });
});
