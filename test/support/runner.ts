/**
 * Runner options on a fake cluster (test/support/fake-kubectl.ts), with a
 * kindnet-lite that confirms every NetworkPolicy sync request at once
 * (unless told its nodes do not answer), and a log the test can read.
 */
import { PolicySync, SYNC_CONFIGMAP, SYNCED_ANNOTATION_PREFIX } from '../../src/lib/runner/policy-sync.ts';
import type { RunnerOptions } from '../../src/lib/runner/run-example.ts';
import type { FakeCluster } from './fake-kubectl.ts';

export function fakeRunner(c: FakeCluster, opts: { kindnetLite?: boolean; nodesAnswer?: boolean } = {}): { o: RunnerOptions; logged: string[] } {
  c.onConfigMapWrite = (_ns, name, cm) => {
    if (name === SYNC_CONFIGMAP && opts.nodesAnswer !== false) for (const n of c.nodes) cm.annotations[SYNCED_ANNOTATION_PREFIX + n] = cm.data.seq!;
  };
  const logged: string[] = [];
  const o: RunnerOptions = {
    kubectl: c,
    runId: 'run-now',
    maxAttempts: 3,
    retryDelayMs: 3000,
    readyTimeoutSeconds: 180,
    keep: false,
    log: (l) => logged.push(l),
    clock: c.clock,
    policySync: new PolicySync(c, { enabled: opts.kindnetLite ?? true, log: (l) => logged.push(l), clock: c.clock }),
  };
  return { o, logged };
}
