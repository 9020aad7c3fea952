/**
 * Every environment variable and every path the project reads, in one place.
 * Nothing else in src/ reads `process.env` for these (test/unit/architecture.test.ts
 * checks it); scripts take what they need from here too.
 *
 * Two kinds of value: the address the site is built for (SITE_URL,
 * REPO_URL; .github/workflows/deploy.yml sets both, README "Deploying"), and
 * where inputs and outputs live (content, examples, reports, the cluster
 * cache), which tests point at fixture trees.
 */
import path from 'node:path';
import { z } from 'zod';

const url = z.string().trim().min(1).transform((s) => s.replace(/\/+$/, ''));
const file = z.string().trim().min(1);

/** The environment variables this project reads, with their defaults. */
export const siteEnvSchema = z.object({
  /**
   * The site's public URL, no trailing slash: the host of the
   * `kubectl apply -f <SITE_URL>/examples/...` commands on every page, and
   * Astro's `site` (canonical links, sitemap). The deploy workflow sets it
   * to the GitHub Pages URL; the default is the local preview server, where
   * the printed commands work while `npm run preview` runs.
   */
  SITE_URL: url.default('http://localhost:4321'),
  /** The repository's web URL, no trailing slash; "Edit page" links go to `<REPO_URL>/edit/main/<file>`. */
  REPO_URL: url.default('https://github.com/kubernetes-networking-proven/site'),
  /** The articles folder (Astro's docs collection and the content guard read it); tests point it at fixture sites. */
  CONTENT_DIR: file.default('content'),
  /** The examples folder (`<topic>/<slug>/example.yaml`); tests point it at fixture trees. */
  EXAMPLES_DIR: file.default('examples'),
  /** Where `npm run test:cluster` writes its report and the site reads it (badges, recorded outputs). */
  CLUSTER_REPORT: file.default('reports/cluster-validation.json'),
  /** Where `npm run test:conformance` writes upstream's e2e results and the conformance page reads them. */
  CONFORMANCE_REPORT: file.default('reports/conformance.json'),
  /** Astro's output folder; scripts/build.ts sets it to a scratch folder and swaps the result in whole. */
  ASTRO_OUT_DIR: file.default('dist'),
});
export type SiteEnv = z.infer<typeof siteEnvSchema>;

/** Paths under the project root that no variable changes. */
const FIXED = {
  /** Static files Astro copies as they are (diagrams, favicon). */
  publicDir: 'public',
  /** Build and tool caches; never committed. */
  cacheDir: '.cache',
  /** What `npm run cluster:up` leaves: kubeconfig, built tools, logs. */
  clusterCacheDir: '.cache/cluster',
  /** Symlinks to the tools the cluster scripts built (kind, kubectl, ...). */
  binLinksDir: '.cache/cluster/bin-links',
  /** The kubeconfig of the project's own kind cluster. */
  kubeconfig: '.cache/cluster/kubeconfig',
  /** How long the last test-run build took, in ms (test/setup/build-site.ts writes it, npm run stats:site reads it). */
  lastBuildMsFile: '.cache/last-build-ms',
} as const;

/** Resolved settings: URLs as given, every path absolute. */
export interface SiteConfig {
  /** The project root every relative path is resolved against. */
  root: string;
  siteUrl: string;
  repoUrl: string;
  contentDir: string;
  examplesDir: string;
  clusterReport: string;
  conformanceReport: string;
  outDir: string;
  publicDir: string;
  cacheDir: string;
  clusterCacheDir: string;
  binLinksDir: string;
  kubeconfig: string;
  lastBuildMsFile: string;
}

/** The variables, parsed; an empty value counts as unset. */
export function readSiteEnv(env: NodeJS.ProcessEnv = process.env): SiteEnv {
  const given = Object.fromEntries(Object.keys(siteEnvSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  return siteEnvSchema.parse(given);
}

/** The settings for a project rooted at `root` under environment `env`. */
export function siteConfig(root: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): SiteConfig {
  const e = readSiteEnv(env);
  const at = (p: string) => path.resolve(root, p);
  return {
    root: path.resolve(root),
    siteUrl: e.SITE_URL,
    repoUrl: e.REPO_URL,
    contentDir: at(e.CONTENT_DIR),
    examplesDir: at(e.EXAMPLES_DIR),
    clusterReport: at(e.CLUSTER_REPORT),
    conformanceReport: at(e.CONFORMANCE_REPORT),
    outDir: at(e.ASTRO_OUT_DIR),
    publicDir: at(FIXED.publicDir),
    cacheDir: at(FIXED.cacheDir),
    clusterCacheDir: at(FIXED.clusterCacheDir),
    binLinksDir: at(FIXED.binLinksDir),
    kubeconfig: at(FIXED.kubeconfig),
    lastBuildMsFile: at(FIXED.lastBuildMsFile),
  };
}

const processEnv = readSiteEnv();
/** SITE_URL of this process (see siteEnvSchema). */
export const SITE_URL = processEnv.SITE_URL;
/** REPO_URL of this process. */
export const REPO_URL = processEnv.REPO_URL;
/** CLUSTER_REPORT of this process, as given (relative to the project root unless absolute). */
export const REPORT_PATH = processEnv.CLUSTER_REPORT;
/** CONFORMANCE_REPORT of this process, as given. */
export const CONFORMANCE_REPORT_PATH = processEnv.CONFORMANCE_REPORT;
export const SITE_TITLE = 'Kubernetes Networking, Proven';
