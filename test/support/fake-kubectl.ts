/**
 * A fake cluster behind the runner's Kubectl seam: it understands exactly the
 * kubectl commands the runner's namespace and policy-sync logic send, keeps
 * namespaces, ConfigMaps and nodes in memory, and records every call. Any
 * other command goes to `other` (by default: exit 0, no output). A fake
 * clock makes waits instantaneous and measurable.
 */
import type { Clock, Kubectl, KubectlCall, RunResult } from '../../src/lib/runner/kubectl.ts';

export class FakeClock implements Clock {
  t = 0;
  sleeps: number[] = [];
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms;
  }
}

export interface FakeConfigMap {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  data: Record<string, string>;
}

export interface FakeNamespace {
  uid: string;
  resourceVersion: string;
  labels: Record<string, string>;
  /** Set by a delete; the namespace disappears after `terminatingGets` more reads. */
  terminating: boolean;
  terminatingGets: number;
  configMaps: Map<string, FakeConfigMap>;
}

export const ok = (stdout = ''): RunResult => ({ exitCode: 0, stdout, stderr: '', timedOut: false, durationMs: 5 });
export const err = (stderr: string, exitCode = 1): RunResult => ({ exitCode, stdout: '', stderr, timedOut: false, durationMs: 5 });

export interface Call {
  args: string[];
  input?: string;
}

export class FakeCluster implements Kubectl {
  readonly clock = new FakeClock();
  readonly namespaces = new Map<string, FakeNamespace>();
  nodes = ['kind-control-plane', 'kind-worker'];
  readonly calls: Call[] = [];
  /** Reads a deleted namespace survives before it is gone (a real one takes a few seconds). */
  terminatingGets = 1;
  /** Runs first for every call; a result it returns replaces the fake's own. */
  intercept?: (args: string[], input: string | undefined, n: number) => RunResult | undefined;
  /** Every command the fake does not model (apply of manifests, waits, exec probes). */
  other: (args: string[]) => RunResult = () => ok();
  /** Called after each write of a ConfigMap: the fake kindnet-lite answers here. */
  onConfigMapWrite?: (namespace: string, name: string, cm: FakeConfigMap) => void;
  /** Called before each read of a ConfigMap, with how many reads came before. */
  onConfigMapRead?: (namespace: string, name: string, cm: FakeConfigMap, reads: number) => void;
  private uids = 0;
  private rv = 100;
  private cmReads = 0;

  /** Puts a namespace on the cluster, as someone else (or an earlier run) made it. */
  addNamespace(name: string, labels: Record<string, string> = {}, extra: Partial<FakeNamespace> = {}): FakeNamespace {
    const ns: FakeNamespace = { uid: `uid-${++this.uids}`, resourceVersion: String(++this.rv), labels, terminating: false, terminatingGets: 0, configMaps: new Map(), ...extra };
    this.namespaces.set(name, ns);
    return ns;
  }

  /** The calls so far, each as its first three arguments, e.g. `get namespace web`, `delete --raw /api/v1/namespaces/web`. */
  trace(): string[] {
    return this.calls.map((c) => c.args.slice(0, 3).join(' '));
  }

  async run(args: string[], call: KubectlCall = {}): Promise<RunResult> {
    this.calls.push({ args, input: call.input });
    const forced = this.intercept?.(args, call.input, this.calls.length);
    if (forced) return forced;
    const [verb, what, name] = args;
    if (verb === 'get' && what === 'namespace') return this.getNamespace(name!);
    if (verb === 'create' && args[1] === '-f' && args[2] === '-') return this.create(call.input!);
    if (verb === 'delete' && what === '--raw') return this.rawDelete(args[2]!, call.input ?? '');
    if (verb === 'get' && what === 'nodes') return ok(this.nodes.join(' '));
    if (verb === 'apply' && args.includes('--server-side')) return this.applyConfigMap(args[args.indexOf('-n') + 1]!, call.input!);
    if (verb === 'get' && what === 'configmap') return this.getConfigMap(args[args.indexOf('-n') + 1]!, name!);
    return this.other(args);
  }

  private getNamespace(name: string): RunResult {
    const ns = this.namespaces.get(name);
    if (!ns) return ok('');
    if (ns.terminating) {
      if (ns.terminatingGets <= 0) {
        this.namespaces.delete(name);
        return ok('');
      }
      ns.terminatingGets--;
    }
    return ok(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, uid: ns.uid, resourceVersion: ns.resourceVersion, labels: ns.labels, ...(ns.terminating ? { deletionTimestamp: '2026-12-01T00:00:00Z' } : {}) },
        status: { phase: ns.terminating ? 'Terminating' : 'Active' },
      }),
    );
  }

  private create(input: string): RunResult {
    const o = JSON.parse(input) as { kind: string; metadata: { name: string; labels?: Record<string, string> } };
    if (o.kind !== 'Namespace') return err(`fake: create of ${o.kind} is not modelled`);
    if (this.namespaces.has(o.metadata.name)) return err(`Error from server (AlreadyExists): error when creating "STDIN": namespaces "${o.metadata.name}" already exists`);
    this.addNamespace(o.metadata.name, o.metadata.labels ?? {});
    return ok(`namespace/${o.metadata.name} created`);
  }

  private rawDelete(path: string, body: string): RunResult {
    const name = path.match(/^\/api\/v1\/namespaces\/([^/]+)$/)?.[1];
    if (!name) return err(`fake: DELETE ${path} is not modelled`);
    const ns = this.namespaces.get(name);
    if (!ns) return err(`Error from server (NotFound): namespaces "${name}" not found`);
    const pre = (JSON.parse(body || '{}') as { preconditions?: { uid?: string; resourceVersion?: string } }).preconditions ?? {};
    if (pre.uid !== undefined && pre.uid !== ns.uid) {
      return err(`Error from server (Conflict): Operation cannot be fulfilled on Namespace "${name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${ns.uid}`);
    }
    if (pre.resourceVersion !== undefined && pre.resourceVersion !== ns.resourceVersion) {
      return err(`Error from server (Conflict): Operation cannot be fulfilled on Namespace "${name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    if (ns.terminating) return err(`Error from server (Conflict): Operation cannot be fulfilled on namespaces "${name}": The system is ensuring all content is removed from this namespace.`);
    ns.terminating = true;
    ns.terminatingGets = this.terminatingGets;
    ns.resourceVersion = String(++this.rv);
    return ok(JSON.stringify({ kind: 'Namespace', metadata: { name }, status: { phase: 'Terminating' } }));
  }

  private applyConfigMap(namespace: string, input: string): RunResult {
    const o = JSON.parse(input) as { kind: string; metadata: { name: string; labels?: Record<string, string> }; data?: Record<string, string> };
    const ns = this.namespaces.get(namespace);
    if (!ns) return err(`Error from server (NotFound): namespaces "${namespace}" not found`);
    if (o.kind !== 'ConfigMap') return err(`fake: server-side apply of ${o.kind} is not modelled`);
    // Server-side apply: this manager's fields are replaced, annotations set by others stay.
    const cm = ns.configMaps.get(o.metadata.name) ?? { labels: {}, annotations: {}, data: {} };
    cm.labels = { ...cm.labels, ...(o.metadata.labels ?? {}) };
    cm.data = { ...(o.data ?? {}) };
    ns.configMaps.set(o.metadata.name, cm);
    this.onConfigMapWrite?.(namespace, o.metadata.name, cm);
    return ok(`configmap/${o.metadata.name} serverside-applied`);
  }

  private getConfigMap(namespace: string, name: string): RunResult {
    const cm = this.namespaces.get(namespace)?.configMaps.get(name);
    if (!cm) return err(`Error from server (NotFound): configmaps "${name}" not found`);
    this.onConfigMapRead?.(namespace, name, cm, this.cmReads++);
    return ok(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels: cm.labels, annotations: cm.annotations }, data: cm.data }));
  }
}
