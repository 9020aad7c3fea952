/**
 * Site-wide settings in one place. Two environment variables set the address
 * the site is built for (README, "Deploying"; .github/workflows/deploy.yml sets
 * both); only this module reads them from the environment.
 */

/**
 * SITE_URL: the site's public URL, no trailing slash. It is the host of the
 * `kubectl apply -f <SITE_URL>/examples/...` commands on every page, and
 * Astro's `site` (canonical links, sitemap). The deploy workflow sets it to the
 * GitHub Pages site's URL (actions/configure-pages' base_url output). The
 * default is the local preview server, where those commands work as printed
 * while `npm run preview` (or scripts/site.sh) runs.
 */
export const SITE_URL = (process.env.SITE_URL ?? 'http://localhost:4321').replace(/\/+$/, '');
/**
 * REPO_URL: the repository's web URL, no trailing slash; "Edit page" links go
 * to `<REPO_URL>/edit/main/<file>`. The deploy workflow sets it to
 * `${{ github.server_url }}/${{ github.repository }}`; the default is the
 * project's repository.
 */
export const REPO_URL = (process.env.REPO_URL ?? 'https://github.com/kubernetes-networking-proven/site').replace(/\/+$/, '');
export const SITE_TITLE = 'Kubernetes Networking, Proven';
/** Where cluster runs leave their report; the site only reads it. */
export const REPORT_PATH = process.env.CLUSTER_REPORT ?? 'reports/cluster-validation.json';
/** Where `npm run test:conformance` leaves its report (upstream's e2e suites on the cluster); the site only reads it. */
export const CONFORMANCE_REPORT_PATH = process.env.CONFORMANCE_REPORT ?? 'reports/conformance.json';

/** Site-relative paths of the site's own pages in src/pages/ (the sidebar, the pages and the link rules use these). */
export const EXAMPLES_INDEX_PATH = '/examples/';
export const VALIDATION_PATH = '/validation/';
export const CONFORMANCE_PATH = '/conformance/';

/**
 * A site-relative path (`/examples/...`) as an href under the site's base
 * path. Pages and components call it with no second argument, which is
 * Astro's `import.meta.env.BASE_URL` (`/` outside an Astro build).
 */
export function withBase(sitePath: string, base: string = import.meta.env?.BASE_URL ?? '/'): string {
  return base.replace(/\/+$/, '') + sitePath;
}

/** The published URL of one example file, e.g. `.../examples/services/clusterip-basic/service.yaml`. */
export function rawFileUrl(examplePath: string, base = SITE_URL): string {
  return `${base}/examples/${examplePath}`;
}
/** Site-relative path of an example file. */
export function rawFilePath(examplePath: string): string {
  return `/examples/${examplePath}`;
}
/** Site-relative path of an example's own page. */
export function examplePagePath(id: string): string {
  return `/examples/${id}/`;
}
