/**
 * The NetworkPolicy programming barrier: before the runner probes, every
 * node's policy engine confirms it has programmed the example's policies.
 * Without it, a check that must be blocked can pass or fail depending on
 * whether the engine had caught up, and the runner would need retries.
 *
 * The contract, implemented by kindnet-lite (this project's CNI):
 *
 * 1. The runner creates or updates ConfigMap `kindnet-lite-sync` in the
 *    example's namespace, labelled `kindnet-lite.kindoffline.local/sync:
 *    request`, with `data.seq` a counter it increments per request.
 * 2. Each kindnet-lite pod, on seeing it, makes a consistent List of
 *    namespaces, pods and networkpolicies, programs its rules, then sets the
 *    annotation `kindnet-lite.kindoffline.local/synced.<nodeName>` to the
 *    seq it acted on.
 * 3. The runner waits (30 s at most, looking every 250 ms) until every node
 *    of `kubectl get nodes` has answered with the current seq.
 *
 * A cluster without kindnet-lite has no such engine to ask: the barrier is
 * skipped, and the runner says so once.
 */
import type { Clock, Kubectl } from './kubectl.ts';

export const SYNC_CONFIGMAP = 'kindnet-lite-sync';
export const SYNC_REQUEST_LABEL = 'kindnet-lite.kindoffline.local/sync';
export const SYNC_REQUEST_VALUE = 'request';
export const SYNCED_ANNOTATION_PREFIX = 'kindnet-lite.kindoffline.local/synced.';
/** kindnet-lite is DaemonSet `kindnet` in kube-system whose first container's image starts with this. */
export const KINDNET_LITE_IMAGE_PREFIX = 'localhost/kindnet-lite';

/** True when the kube-system DaemonSets (name, first container image) include kindnet-lite. */
export function isKindnetLite(daemonsets: ReadonlyArray<readonly [name: string, image: string]>): boolean {
  return daemonsets.some(([name, image]) => name === 'kindnet' && image.startsWith(KINDNET_LITE_IMAGE_PREFIX));
}

/** The ConfigMap that asks for a sync, as `kubectl apply` input. */
export function syncRequestManifest(namespace: string, seq: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: SYNC_CONFIGMAP, namespace, labels: { [SYNC_REQUEST_LABEL]: SYNC_REQUEST_VALUE } },
    data: { seq },
  });
}

/** The nodes that have not confirmed `seq`, each with the seq it last confirmed, if any. */
export function unconfirmedNodes(nodes: readonly string[], annotations: Readonly<Record<string, string>>, seq: string): { node: string; last?: string }[] {
  return nodes.filter((n) => annotations[SYNCED_ANNOTATION_PREFIX + n] !== seq).map((node) => ({ node, last: annotations[SYNCED_ANNOTATION_PREFIX + node] }));
}

export interface PolicySyncOptions {
  /** Whether the cluster runs kindnet-lite (ClusterInfo.kindnetLite). */
  enabled: boolean;
  log: (line: string) => void;
  clock: Clock;
  /** Longest wait for every node to confirm (default 30 s). */
  timeoutMs?: number;
  /** How often to look (default 250 ms). */
  pollMs?: number;
}

function firstLine(s: string): string {
  return s.trim().split('\n')[0] ?? '';
}

/** One per run: holds the request counter, shared by every example. */
export class PolicySync {
  private seq = 0;
  private skipLogged = false;

  constructor(
    private readonly k: Kubectl,
    private readonly o: PolicySyncOptions,
  ) {}

  /**
   * Asks every node to program the policies of `namespace` and waits until
   * all confirm. Resolves undefined when they did (or there is no
   * kindnet-lite to ask), else the reason the example fails.
   */
  async barrier(namespace: string): Promise<string | undefined> {
    if (!this.o.enabled) {
      if (!this.skipLogged) {
        this.skipLogged = true;
        this.o.log(`the cluster does not run kindnet-lite (DaemonSet kube-system/kindnet with an image ${KINDNET_LITE_IMAGE_PREFIX}*): no NetworkPolicy sync barrier before checks`);
      }
      return undefined;
    }
    const seq = String(++this.seq);
    const timeoutMs = this.o.timeoutMs ?? 30_000;
    const started = this.o.clock.now();
    const nodes = await this.k.run(['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}'], { timeoutMs: 30_000 });
    if (nodes.exitCode !== 0) return `NetworkPolicy sync: could not list the nodes: ${firstLine(nodes.stderr)}`;
    const names = nodes.stdout.trim().split(/\s+/).filter(Boolean);
    const asked = await this.k.run(['apply', '--server-side', '--field-manager=k8s-networking-proven-runner', '-n', namespace, '-f', '-'], {
      timeoutMs: 30_000,
      input: syncRequestManifest(namespace, seq),
    });
    if (asked.exitCode !== 0) return `NetworkPolicy sync: could not write ConfigMap ${namespace}/${SYNC_CONFIGMAP}: ${firstLine(asked.stderr)}`;
    const deadline = started + timeoutMs;
    let missing: { node: string; last?: string }[] = names.map((node) => ({ node }));
    let lastError = '';
    for (;;) {
      const cm = await this.k.run(['get', 'configmap', SYNC_CONFIGMAP, '-n', namespace, '-o', 'json'], { timeoutMs: 30_000 });
      if (cm.exitCode === 0) {
        let annotations: Record<string, string> | undefined;
        try {
          annotations = (JSON.parse(cm.stdout) as { metadata?: { annotations?: Record<string, string> } }).metadata?.annotations ?? {};
          lastError = '';
        } catch {
          lastError = `kubectl get configmap printed something that is not JSON: ${firstLine(cm.stdout)}`;
        }
        if (annotations) {
          missing = unconfirmedNodes(names, annotations, seq);
          if (missing.length === 0) return undefined;
        }
      } else {
        lastError = firstLine(cm.stderr);
      }
      if (this.o.clock.now() >= deadline) break;
      await this.o.clock.sleep(this.o.pollMs ?? 250);
    }
    const who = missing.map((m) => `${m.node} (${m.last === undefined ? 'never answered' : `last confirmed seq ${m.last}`})`).join(', ');
    return (
      `kindnet-lite did not confirm NetworkPolicy programming within ${Math.round(timeoutMs / 1000)} s (request seq ${seq} in ConfigMap ${namespace}/${SYNC_CONFIGMAP}): ` +
      `no answer from node${missing.length === 1 ? '' : 's'} ${who}${lastError ? `; last error: ${lastError}` : ''}; look at the kindnet pods on those nodes (kubectl -n kube-system logs ds/kindnet)`
    );
  }
}
