/**
 * Kubernetes object shapes that more than one reader needs: the validator
 * (src/lib/validator) and the NetworkPolicy evaluator (src/lib/netpol), which
 * the runner uses and which must not pull in the validator. Plain functions
 * over parsed objects, no I/O.
 */
import { isObj, type Obj, type PathSeg } from './plain.ts';

/** Where each workload kind keeps its pod template, by `group/kind`. */
export const TEMPLATE_PATHS: Record<string, PathSeg[]> = {
  'v1/Pod': [],
  'v1/PodTemplate': ['template'],
  'v1/ReplicationController': ['spec', 'template'],
  'apps/Deployment': ['spec', 'template'],
  'apps/ReplicaSet': ['spec', 'template'],
  'apps/StatefulSet': ['spec', 'template'],
  'apps/DaemonSet': ['spec', 'template'],
  'batch/Job': ['spec', 'template'],
  'batch/CronJob': ['spec', 'jobTemplate', 'spec', 'template'],
};

/** `apps/v1` -> `apps`, `v1` -> `v1` (core). */
export function apiGroup(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? 'v1' : apiVersion.slice(0, i);
}

/** Does a LabelSelector (matchLabels + matchExpressions) select these labels? An empty selector selects everything. */
export function selectorMatches(sel: Obj, labels: Record<string, string>): boolean {
  if (isObj(sel.matchLabels)) {
    for (const [k, v] of Object.entries(sel.matchLabels)) if (labels[k] !== v) return false;
  }
  if (Array.isArray(sel.matchExpressions)) {
    for (const e of sel.matchExpressions) {
      if (!isObj(e) || typeof e.key !== 'string') return false;
      const has = Object.hasOwn(labels, e.key);
      const values = Array.isArray(e.values) ? e.values : [];
      switch (e.operator) {
        case 'In':
          if (!has || !values.includes(labels[e.key])) return false;
          break;
        case 'NotIn':
          if (has && values.includes(labels[e.key])) return false;
          break;
        case 'Exists':
          if (!has) return false;
          break;
        case 'DoesNotExist':
          if (has) return false;
          break;
        default:
          return false;
      }
    }
  }
  return true;
}
