/**
 * Site-wide settings in one place. Deployments set SITE_URL (so the
 * `kubectl apply -f` commands point at the published raw files) and REPO_URL
 * (for "edit this page"). The default SITE_URL is the local preview server,
 * where those commands work as printed while `npm run preview` runs.
 */
export const SITE_URL = (process.env.SITE_URL ?? 'http://localhost:4321').replace(/\/+$/, '');
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
