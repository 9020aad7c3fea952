/**
 * What the cluster test suites need to reach the project's cluster: the
 * repository root, an environment with KUBECONFIG and KUBECTL (the offline
 * cluster's own unless set), and the tsx binary that runs the CLI scripts.
 */
import path from 'node:path';
import { siteConfig } from '../../src/lib/site/config.ts';

export const root = path.resolve(import.meta.dirname, '../..');
const cluster = siteConfig(root);
export const clusterEnv = {
  ...process.env,
  KUBECONFIG: process.env.KUBECONFIG ?? cluster.kubeconfig,
  KUBECTL: process.env.KUBECTL ?? path.join(cluster.binLinksDir, 'kubectl'),
};
export const tsx = path.join(root, 'node_modules/.bin/tsx');
