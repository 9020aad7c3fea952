/**
 * What the cluster test suites need to reach the project's cluster: the
 * repository root, an environment with KUBECONFIG and KUBECTL (the offline
 * cluster's own unless set), and the tsx binary that runs the CLI scripts.
 */
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '../..');
const cache = path.join(root, '.cache/cluster');
export const clusterEnv = {
  ...process.env,
  KUBECONFIG: process.env.KUBECONFIG ?? path.join(cache, 'kubeconfig'),
  KUBECTL: process.env.KUBECTL ?? path.join(cache, 'bin-links/kubectl'),
};
export const tsx = path.join(root, 'node_modules/.bin/tsx');
