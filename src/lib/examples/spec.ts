/**
 * The example spec: `examples/<topic>/<slug>/example.yaml`.
 *
 * One zod schema per concept. The same parsed spec feeds the site (the "Try it"
 * list), the offline validator and the cluster runner, so a page can never
 * show a command that the runner did not run.
 */
import { z } from 'zod';
import { FROM_HOST } from './spec-file.ts';

/** Cluster features an example needs beyond a plain conformant cluster. */
export const clusterFeature = z.enum(['networkpolicy', 'ingress', 'gateway', 'loadbalancer']);
export type ClusterFeature = z.infer<typeof clusterFeature>;

/** Pod Security Standards level the example's namespace is labelled with. */
export const podSecurityLevel = z.enum(['restricted', 'baseline', 'privileged']);

/**
 * How a connection (or a DNS query) must fail, for checks that prove a
 * negative. The two outcomes look different to a reader and have different
 * causes, so a check that names one fails on the other:
 *
 * - `refused`: rejected at once, by a TCP reset or an ICMP reject (nothing
 *   listens on the port, kube-proxy rejects a Service with no endpoints or a
 *   port the Service does not define). curl exits 7, `agnhost connect` prints
 *   REFUSED, nslookup reports "connection refused".
 * - `timeout`: no answer within the probe timeout (PROBE_TIMEOUT_SECONDS),
 *   because the packets were dropped (a NetworkPolicy, a firewall). curl
 *   exits 28, `agnhost connect` prints TIMEOUT, nslookup reports "timed out"
 *   or "no servers could be reached".
 * - `blocked`: either of the two; the page does not claim which.
 */
export const failureExpectation = z.enum(['blocked', 'refused', 'timeout']);
export type FailureExpectation = z.infer<typeof failureExpectation>;

/** What an HTTP check expects when the request goes through. */
export const httpExpectation = z
  .object({
    /** HTTP status code the response must have. */
    status: z.number().int().min(100).max(599),
    /**
     * A substring the response body must contain (after $NAMESPACE
     * substitution; in a check `from: host`, `$HOST_ADDRESS` is this
     * machine's own address on its route to the load balancer).
     */
    bodyContains: z.string().min(1).optional(),
    /** A substring the response body must not contain, with the same substitutions as bodyContains. */
    bodyLacks: z.string().min(1).optional(),
  })
  .strict();

// FROM_HOST lives in spec-file.ts, free of zod: the validator's rules read it without loading the schema.
export { FROM_HOST };

/**
 * `$LB_IP(<service>)`: the load-balancer address (status.loadBalancer.ingress[0].ip)
 * of a Service of the example. The only host a `from: host` URL may name,
 * so the runner's machine probes nothing but the example's own load balancers.
 */
export const LB_IP_REF = /\$LB_IP\(([a-z0-9]([-a-z0-9]*[a-z0-9])?)\)/;

/** A `from: host` URL: http to one `$LB_IP(<service>)`, an optional port and a plain path. */
const HOST_URL = new RegExp(`^http://${LB_IP_REF.source}(:[0-9]{1,5})?(/[A-Za-z0-9._~/?=&%-]*)?$`);

/** An HTTP request made with curl from inside a pod of the example (or from the host, see FROM_HOST). */
export const httpProbe = z
  .object({
    /** Full URL; `$NAMESPACE` is replaced by the namespace the example runs in. */
    url: z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL without spaces'),
    /** Extra request headers, e.g. `Host` for Ingress and Gateway routing. */
    headers: z.record(z.string(), z.string()).optional(),
    /**
     * A status/body expectation, or a connection that must fail (see
     * `failureExpectation`): `refused`, `timeout`, or `blocked` for either.
     */
    expect: z.union([httpExpectation, failureExpectation]),
  })
  .strict();

/** A plain TCP connect (agnhost connect) from inside a pod of the example. */
export const tcpProbe = z
  .object({
    /** Host name or IP to connect to; `$NAMESPACE` is substituted. */
    host: z.string().min(1),
    /** TCP port. */
    port: z.number().int().min(1).max(65535),
    /**
     * `open`: the connection is accepted; `refused`, `timeout` or `blocked`:
     * it must fail, in that way (see `failureExpectation`).
     */
    expect: z.enum(['open', ...failureExpectation.options]),
  })
  .strict();

/** A DNS lookup (nslookup, which applies the pod's search path) from inside a pod of the example. */
export const dnsProbe = z
  .object({
    /** Name to look up; `$NAMESPACE` is substituted. Short names go through the search path. */
    name: z.string().min(1),
    /** Record type; A by default. */
    type: z.enum(['A', 'AAAA', 'SRV', 'CNAME']).default('A'),
    /**
     * `resolves`: at least one answer; `nxdomain`: the server answers that the
     * name does not exist; `refused`, `timeout` or `blocked`: no DNS server
     * answers at all, in that way (see `failureExpectation`), e.g. an egress
     * policy that forgot port 53 makes the lookup time out.
     */
    expect: z.enum(['resolves', 'nxdomain', ...failureExpectation.options]),
    /** A substring the lookup output must contain, e.g. a target name of an SRV record. */
    answerContains: z.string().min(1).optional(),
  })
  .strict();

/** kubectl verbs a check may run: reading state only, never changing the example. */
export const readOnlyKubectlVerb = z.enum(['get', 'describe', 'logs', 'exec', 'debug', 'wait', 'auth']);

/**
 * A kubectl command run in the example's namespace (`kubectl -n <ns> <args>`),
 * for what a reader inspects rather than sends: EndpointSlices, events, logs,
 * an ephemeral debug container.
 */
export const kubectlProbe = z
  .object({
    /** Arguments after `kubectl -n <namespace>`; the first is the verb. `$NAMESPACE` is substituted. */
    args: z.array(z.string()).min(1).refine((a) => readOnlyKubectlVerb.safeParse(a[0]).success, {
      message: `the first argument must be a read-only verb: ${readOnlyKubectlVerb.options.join(', ')}`,
    }),
    /** What the command must do; by default exit 0, with no output required. */
    expect: z
      .object({
        /** Exit code; 0 by default. */
        exitCode: z.number().int().min(0).max(255).default(0),
        /** Substrings the combined output must contain. */
        outputContains: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .default({ exitCode: 0, outputContains: [] }),
  })
  .strict();

/** One check: a probe with exactly one of http, tcp, dns (run from a pod of the example) or kubectl. */
export const check = z
  .object({
    /** What the check proves, as a sentence the page shows. */
    name: z.string().min(1),
    /**
     * True when the check reads state back (`kubectl get`, `describe`) rather
     * than claiming a behaviour: no mutation has to break it, and mutation
     * coverage leaves it out. A behaviour check is one without this mark.
     */
    observation: z.boolean().optional(),
    /**
     * Where the probe runs: a kubectl exec target in the example's namespace,
     * a pod name (`client`) or a workload (`deploy/client`). Required for
     * http, tcp and dns; not used by kubectl checks. The pod needs the agnhost
     * image, which carries curl, nslookup and agnhost connect. `host` (see
     * FROM_HOST): an http check run on the runner's machine against a
     * `$LB_IP(<service>)` URL.
     */
    from: z.string().regex(/^([a-z]+\/)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a pod name or kind/name such as deploy/client').optional(),
    /** Container to exec into when the pod has more than one. */
    container: z.string().optional(),
    /** An HTTP request with curl (see httpProbe). */
    http: httpProbe.optional(),
    /** A TCP connect with agnhost connect (see tcpProbe). */
    tcp: tcpProbe.optional(),
    /** A DNS lookup with nslookup (see dnsProbe). */
    dns: dnsProbe.optional(),
    /** A read-only kubectl command in the example's namespace (see kubectlProbe). */
    kubectl: kubectlProbe.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const kinds = [c.http, c.tcp, c.dns, c.kubectl].filter((k) => k !== undefined).length;
    if (kinds !== 1) {
      ctx.addIssue({ code: 'custom', message: 'a check needs exactly one of http, tcp, dns or kubectl' });
    }
    if (!c.kubectl && !c.from) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'http, tcp and dns checks need from: the pod they run in' });
    }
    const url = c.http?.url ?? '';
    if (c.from === FROM_HOST) {
      if (!c.http) ctx.addIssue({ code: 'custom', path: ['from'], message: 'from: host runs only http checks' });
      else if (!HOST_URL.test(url)) ctx.addIssue({ code: 'custom', path: ['http', 'url'], message: 'a from: host URL must be http://$LB_IP(<service>)[:port][/path]: the host probes only load-balancer addresses of the example\'s Services' });
      if (c.container) ctx.addIssue({ code: 'custom', path: ['container'], message: 'from: host has no container' });
    } else {
      if (LB_IP_REF.test(url)) ctx.addIssue({ code: 'custom', path: ['http', 'url'], message: '$LB_IP(<service>) is for from: host checks only' });
      const e = c.http?.expect;
      if (typeof e === 'object' && `${e.bodyContains ?? ''}${e.bodyLacks ?? ''}`.includes('$HOST_ADDRESS')) {
        ctx.addIssue({ code: 'custom', path: ['http', 'expect'], message: '$HOST_ADDRESS is for from: host checks only' });
      }
    }
  });
export type Check = z.infer<typeof check>;

/** A kubectl workload ref (`deploy/web`, `pod/stuck`), as `expectNotReady` and `notReady` use. */
const workloadRef = z.string().regex(/^[a-z]+\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be kind/name, e.g. deploy/broken');

/** A manifest file name of the example folder. */
const manifestName = z.string().regex(/^[A-Za-z0-9._-]+\.ya?ml$/, 'must be a .yaml file name in the example folder');

/** An RFC 6901 JSON Pointer into one object, e.g. `/spec/ports/0/targetPort`. */
const jsonPointer = z.string().regex(/^(\/([^/~]|~[01])*)+$/, 'must be a JSON Pointer such as /spec/sessionAffinity');

/**
 * One RFC 6902 JSON Patch operation. Only the three that change a value are
 * allowed: a mutation breaks something, it does not move or test it.
 */
export const patchOperation = z.discriminatedUnion('op', [
  z
    .object({
      /** Add a member (or insert into an array; `-` appends). */
      op: z.literal('add'),
      /** Where, as a JSON Pointer into the object. */
      path: jsonPointer,
      /** The value to add. */
      value: z.unknown().refine((v) => v !== undefined, 'add needs a value'),
    })
    .strict(),
  z
    .object({
      /** Remove the member or array element; it must exist. */
      op: z.literal('remove'),
      /** Where, as a JSON Pointer into the object. */
      path: jsonPointer,
    })
    .strict(),
  z
    .object({
      /** Replace the value of a member that exists. */
      op: z.literal('replace'),
      /** Where, as a JSON Pointer into the object. */
      path: jsonPointer,
      /** The new value. */
      value: z.unknown().refine((v) => v !== undefined, 'replace needs a value'),
    })
    .strict(),
]);
export type PatchOperation = z.infer<typeof patchOperation>;

/** Change one object of one manifest file with JSON Patch operations. */
export const mutationPatch = z
  .object({
    /** The manifest file holding the object; one of `manifests`. */
    file: manifestName,
    /** The object's kind, e.g. `Service`. */
    kind: z.string().min(1),
    /** The object's metadata.name. */
    name: z.string().min(1),
    /** Operations applied in order to that object. */
    ops: z.array(patchOperation).min(1),
  })
  .strict();
export type MutationPatch = z.infer<typeof mutationPatch>;

/**
 * A mutation: one deliberate break of the example, under which the named
 * checks must fail and every other check must still pass. The runner applies
 * it in a namespace of its own; it is what shows that a check can fail.
 */
export const mutation = z
  .object({
    /** What is broken, as a short phrase: the page says "fails when <name>". */
    name: z.string().min(1),
    /** Leave out this manifest file (one of `manifests`). Exactly one of remove and patch. */
    remove: manifestName.optional(),
    /** Change one object in one manifest file. Exactly one of remove and patch. */
    patch: mutationPatch.optional(),
    /**
     * Names of the checks that must fail under this mutation; none may be an
     * observation. At least one, except in an example with `reachability`,
     * where a mutation may break no check when it flips a matrix cell instead
     * (the offline gate compares the predicted matrices).
     */
    breaks: z.array(z.string().min(1)),
    /** Workloads the mutation keeps from becoming Ready, as kind/name; the runner does not wait for them. */
    notReady: z.array(workloadRef).default([]),
  })
  .strict();
export type Mutation = z.infer<typeof mutation>;

/** Spec-level rules for mutations: they name files, checks and each other consistently. */
function refineMutations(s: { manifests: string[]; checks: Check[]; mutations: Mutation[]; reachability?: Reachability }, ctx: z.RefinementCtx): void {
  const checksByName = new Map<string, Check>();
  s.checks.forEach((c, i) => {
    // `breaks` refers to checks by name, so a name must pick out one check.
    if (checksByName.has(c.name)) ctx.addIssue({ code: 'custom', path: ['checks', i, 'name'], message: `check name "${c.name}" is used twice; mutations refer to checks by name` });
    checksByName.set(c.name, c);
  });
  const mutationNames = new Set<string>();
  s.mutations.forEach((m, i) => {
    const at = (...rest: PropertyKey[]) => ['mutations', i, ...rest];
    if (mutationNames.has(m.name)) ctx.addIssue({ code: 'custom', path: at('name'), message: `mutation name "${m.name}" is used twice` });
    mutationNames.add(m.name);
    if ((m.remove === undefined) === (m.patch === undefined)) {
      ctx.addIssue({ code: 'custom', path: at(), message: 'a mutation needs exactly one of remove or patch' });
    }
    if (m.remove !== undefined && !s.manifests.includes(m.remove)) {
      ctx.addIssue({ code: 'custom', path: at('remove'), message: `${m.remove} is not one of manifests (${s.manifests.join(', ')})` });
    }
    if (m.patch !== undefined && !s.manifests.includes(m.patch.file)) {
      ctx.addIssue({ code: 'custom', path: at('patch', 'file'), message: `${m.patch.file} is not one of manifests (${s.manifests.join(', ')})` });
    }
    if (m.breaks.length === 0 && s.reachability === undefined) {
      ctx.addIssue({ code: 'custom', path: at('breaks'), message: 'a mutation must break at least one check (only an example with reachability may break none and flip a matrix cell instead)' });
    }
    const broken = new Set<string>();
    m.breaks.forEach((name, j) => {
      const c = checksByName.get(name);
      if (!c) ctx.addIssue({ code: 'custom', path: at('breaks', j), message: `no check is named "${name}"` });
      else if (c.observation) ctx.addIssue({ code: 'custom', path: at('breaks', j), message: `"${name}" is an observation check; a mutation breaks only behaviour checks` });
      if (broken.has(name)) ctx.addIssue({ code: 'custom', path: at('breaks', j), message: `"${name}" is listed twice` });
      broken.add(name);
    });
  });
}

/** A namespace name: a DNS label (RFC 1123), at most 63 characters. */
const namespaceName = z
  .string()
  .max(63, 'a namespace name has at most 63 characters')
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label: lowercase letters, digits and dashes');

/** A label key: an optional DNS subdomain prefix and a name of at most 63 characters. */
const labelKey = z
  .string()
  .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, 'must be a label key such as team or example.com/team');

/** A label value: empty or at most 63 alphanumerics, dashes, dots and underscores. */
const labelValue = z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, 'must be a label value: at most 63 letters, digits, dashes, dots and underscores');

/**
 * Label keys the runner sets on every namespace it creates, or the API
 * server sets itself: an example may not declare them.
 */
export const RESERVED_NAMESPACE_LABEL_PREFIXES: readonly string[] = ['k8s-networking-proven.dev/', 'pod-security.kubernetes.io/', 'kubernetes.io/metadata.name'];

/**
 * An extra namespace of the example, besides its own (named after the slug).
 * The runner creates it with the run label and the example's Pod Security
 * level plus `labels`, applies the manifests that name it, and deletes only it.
 */
export const extraNamespace = z
  .object({
    /** Full name; it starts with `<slug>-` and does not look like a mutation namespace `<slug>-m<digits>` (loader rules). */
    name: namespaceName,
    /** Labels the namespace carries, for namespaceSelectors to match (`kubernetes.io/metadata.name` is set by the API server). */
    labels: z
      .record(labelKey, labelValue)
      .default({})
      .superRefine((labels, ctx) => {
        for (const key of Object.keys(labels)) {
          if (RESERVED_NAMESPACE_LABEL_PREFIXES.some((p) => key.startsWith(p))) {
            ctx.addIssue({ code: 'custom', path: [key], message: `label ${key} is set by the runner or the API server; an example may not declare it` });
          }
        }
      }),
  })
  .strict();
export type ExtraNamespace = z.infer<typeof extraNamespace>;

/** A Pod of the example: its bare name in the example's namespace, or `<namespace>/<pod>` in an extra namespace. */
const podRef = z.string().regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\/)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a Pod name, or <namespace>/<pod> for a Pod in an extra namespace');

/** A transport protocol a reachability probe uses. */
export const probeProtocol = z.enum(['TCP', 'UDP']);

/** One port every server of a reachability matrix is probed on. */
export const reachabilityPort = z
  .object({
    /** Port number; every server must listen on it (a refused connection fails the cell). */
    port: z.number().int().min(1).max(65535),
    /** TCP (default) or UDP. */
    protocol: probeProtocol.default('TCP'),
  })
  .strict();

/**
 * A reachability matrix: every client probes every server on every port
 * (`agnhost connect` to the server pod's IP). The offline validator predicts
 * each cell from the manifests; the runner measures it and fails the example
 * on a cell that differs.
 */
export const reachability = z
  .object({
    /** Pods the probes run from (see podRef); each needs the agnhost image. */
    clients: z.array(podRef).min(1),
    /** Pods probed at their IP (status.podIP; a hostNetwork pod has its node's IP). */
    servers: z.array(podRef).min(1),
    /** Ports probed on every server. */
    ports: z.array(reachabilityPort).min(1),
  })
  .strict()
  .superRefine((r, ctx) => {
    const once = (list: string[], key: 'clients' | 'servers' | 'ports') =>
      list.forEach((v, i) => {
        if (list.indexOf(v) !== i) ctx.addIssue({ code: 'custom', path: [key, i], message: `${v} is listed twice` });
      });
    once(r.clients, 'clients');
    once(r.servers, 'servers');
    once(r.ports.map((p) => `${p.port}/${p.protocol}`), 'ports');
  });
export type Reachability = z.infer<typeof reachability>;

/** The whole `example.yaml`. */
export const exampleSpec = z
  .object({
    /** Page and card title. */
    title: z.string().min(1),
    /** One sentence on what the example shows. */
    summary: z.string().min(1),
    /** Manifest files of this folder, in the order they are applied. */
    manifests: z.array(manifestName).min(1),
    /** Cluster features the example needs (a cluster without them skips the example, loudly). */
    requires: z.array(clusterFeature).default([]),
    /** Pod Security level enforced on the example's namespace; `restricted` unless the example needs more. */
    podSecurity: podSecurityLevel.default('restricted'),
    /** Why the example needs a level below `restricted`; required when it does. */
    podSecurityReason: z.string().min(1).optional(),
    /**
     * Workloads meant never to become Ready (e.g. a failing readiness probe, to
     * show what an unready endpoint looks like), as kubectl refs such as
     * `deploy/broken` or `pod/stuck`. The runner waits for every other
     * workload to be Ready before it runs the checks.
     */
    expectNotReady: z.array(workloadRef).default([]),
    /**
     * Extra namespaces besides the example's own (see `extraNamespace`), for
     * examples whose point crosses namespaces. Manifest objects in one carry
     * `metadata.namespace: <its name>`; a file holds objects of one namespace.
     */
    namespaces: z.array(extraNamespace).default([]),
    /** A reachability matrix to predict offline and measure on the cluster (see `reachability`). */
    reachability: reachability.optional(),
    /** Checks run on the cluster and shown as "Try it". */
    checks: z.array(check).min(1),
    /**
     * Deliberate breaks of the example, each with the checks it must make
     * fail (see `mutation`). Every behaviour check should be broken by at
     * least one; the offline coverage test enforces that.
     */
    mutations: z.array(mutation).default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.podSecurity !== 'restricted' && !s.podSecurityReason) {
      ctx.addIssue({ code: 'custom', path: ['podSecurityReason'], message: `podSecurity ${s.podSecurity} needs a podSecurityReason` });
    }
    if (s.requires.includes('networkpolicy') && !s.checks.some(isBlockedCheck)) {
      ctx.addIssue({
        code: 'custom',
        path: ['checks'],
        message: 'a NetworkPolicy example needs at least one check that expects blocked, refused or timeout (a CNI that ignores policy fails open)',
      });
    }
    const seen = new Set<string>();
    s.manifests.forEach((m, i) => {
      if (seen.has(m)) ctx.addIssue({ code: 'custom', path: ['manifests', i], message: `${m} is listed twice` });
      seen.add(m);
    });
    const names = new Set<string>();
    s.namespaces.forEach((n, i) => {
      if (names.has(n.name)) ctx.addIssue({ code: 'custom', path: ['namespaces', i, 'name'], message: `namespace ${n.name} is listed twice` });
      names.add(n.name);
    });
    refineMutations(s, ctx);
  });
export type ExampleSpec = z.infer<typeof exampleSpec>;

/**
 * How the check's connection (or DNS query) must fail, or undefined when the
 * check expects an answer. The one place that reads `expect` for this; the
 * runner, the "Try it" list and the validation page all go through it.
 */
export function failureExpected(c: Check): FailureExpectation | undefined {
  const e = c.http?.expect ?? c.tcp?.expect ?? c.dns?.expect;
  return typeof e === 'string' && (failureExpectation.options as readonly string[]).includes(e) ? (e as FailureExpectation) : undefined;
}

/** True when the check passes only if the connection fails: `blocked`, `refused` or `timeout`. */
export function isBlockedCheck(c: Check): boolean {
  return failureExpected(c) !== undefined;
}
