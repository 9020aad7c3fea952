/**
 * reports/cluster-validation.json: what the cluster runner proved, and where.
 * The site reads it to badge each example; it never invents a result.
 */
import { z } from 'zod';

/** One check's outcome on the cluster. */
export const checkResult = z.object({
  /** The check's name from example.yaml. */
  name: z.string(),
  /** Whether its last attempt met the check's expectation. */
  status: z.enum(['passed', 'failed']),
  /** Wall time of the last attempt, milliseconds. */
  durationMs: z.number().nonnegative(),
  /** Attempts made (1 = passed first time); more than 1 is reported as a retry. */
  attempts: z.number().int().min(1),
  /** The probe's output, trimmed to a few hundred characters. */
  output: z.string().default(''),
});

/** One check's outcome under a mutation. */
export const mutationCheckResult = z.object({
  /** The check's name from example.yaml. */
  name: z.string(),
  /** What the mutation needs of it: `fail` when the mutation's `breaks` names it, else `pass`. */
  expected: z.enum(['fail', 'pass']),
  /** The check's own outcome under the mutation (not whether that was the expected one). */
  status: z.enum(['passed', 'failed']),
  /** The probe's output, trimmed to a few hundred characters. */
  output: z.string().default(''),
});

/** One measured cell of a reachability matrix (example.yaml `reachability`). */
export const reachabilityCell = z.object({
  /** The client as declared: a bare Pod name, or `<namespace>/<pod>` in an extra namespace (declared names, also under a mutation). */
  client: z.string(),
  /** The server, in the same form. */
  server: z.string(),
  /** The probed port. */
  port: z.number().int().min(1).max(65535),
  /** The probed protocol. */
  protocol: z.enum(['TCP', 'UDP']),
  /** What src/lib/netpol predicted from the manifests the run applied. */
  predicted: z.enum(['allowed', 'blocked']),
  /** What the probe saw: connected, TIMEOUT (dropped), REFUSED (nothing listens, or a reject), or another error. */
  measured: z.enum(['allowed', 'blocked', 'refused', 'error']),
  /** The probe's output on its last attempt, trimmed. */
  output: z.string(),
});
export type ReachabilityCell = z.infer<typeof reachabilityCell>;

/** A measured reachability matrix. */
export const reachabilityResult = z.object({
  /** `passed`: every cell measured what was predicted. */
  status: z.enum(['passed', 'failed']),
  /** Every cell, clients outermost, then servers, then ports; empty when the servers' IPs could not be read. */
  cells: z.array(reachabilityCell),
});
export type ReachabilityResult = z.infer<typeof reachabilityResult>;

/** One mutation's outcome: the example deliberately broken, in a namespace of its own. */
export const mutationResult = z.object({
  /** The mutation's name from example.yaml. */
  name: z.string(),
  /** The run namespace it ran in, e.g. `<slug>-m1`. */
  namespace: z.string(),
  /** `passed`: exactly the checks in `breaks` failed and every other check passed. */
  status: z.enum(['passed', 'failed']),
  /** Why it failed, e.g. 'check "x" still passed with the policy removed'. */
  reason: z.string().optional(),
  /** Wall time of the whole mutation run (namespace, apply, waits, checks), milliseconds. */
  durationMs: z.number().nonnegative(),
  /**
   * Attempts that were retries, over the checks that must still pass and the
   * matrix's cells (a check the mutation must break runs once). The goal is 0.
   * Reports written before the field existed read as 0.
   */
  retries: z.number().int().min(0).default(0),
  /** Every check that ran under the mutation, in spec order; empty when the run failed before its checks. */
  checks: z.array(mutationCheckResult),
  /** The matrix measured under the mutation, compared with the prediction for the mutated manifests; absent without `reachability`. */
  reachability: reachabilityResult.optional(),
});
export type MutationResult = z.infer<typeof mutationResult>;

/** One example's outcome. */
export const exampleResult = z.object({
  /** `<topic>/<slug>`. */
  id: z.string(),
  /** The example's content hash when it ran; a different current hash makes the result stale. */
  contentHash: z.string(),
  /** `skipped`: a required cluster feature is missing; `failed`: a step or a check failed, or the namespace was not the runner's to use. */
  status: z.enum(['passed', 'failed', 'skipped']),
  /** Why it was skipped (a required cluster feature is missing) or what failed first. */
  reason: z.string().optional(),
  /** Wall time of the whole example (namespace, apply, waits, checks), milliseconds. */
  durationMs: z.number().nonnegative(),
  /**
   * Check attempts that were retries: the sum over its checks of attempts - 1.
   * The goal is 0; a retry means a check's outcome depended on timing.
   * Reports written before the field existed read as 0.
   */
  retries: z.number().int().min(0).default(0),
  /** Every check that ran, in spec order; empty when the example failed before its checks or was skipped. */
  checks: z.array(checkResult),
  /** Events, pod logs and describe output collected on failure. */
  diagnostics: z.string().optional(),
  /** The example's mutations, in spec order; none when it was skipped. Reports written before the field existed read as []. */
  mutations: z.array(mutationResult).default([]),
  /** The measured reachability matrix; absent without `reachability`, or when the run failed before measuring it. */
  reachability: reachabilityResult.optional(),
});

/**
 * The cluster a run proved its results on, as the cluster itself reported it.
 * A result counts for the site only while the current pins describe the same
 * environment (src/lib/report/environment.ts compares the two).
 */
export const clusterEnvironment = z.object({
  /** Kubernetes server version from `kubectl version` (serverVersion.gitVersion), e.g. "v1.37.2". */
  kubernetes: z.string(),
  /** kind release that made the cluster, e.g. "v0.33.0", or "none" for a cluster not made by kind. */
  kind: z.string(),
  /** Network plugin by name, e.g. "kindnet-lite" (the CNI DaemonSet in kube-system), or "unknown". */
  cni: z.string(),
  /** kube-proxy mode from the kube-proxy ConfigMap in kube-system ("iptables", "nftables", "ipvs"), or "unknown". */
  kubeProxyMode: z.string(),
  /** Gateway API bundle version of the installed CRDs (annotation gateway.networking.k8s.io/bundle-version), or "none". */
  gatewayApi: z.string(),
  /** The Ingress and Gateway API controller by name ("traefik"), or "none". */
  controller: z.string(),
  /** The controller's version (its image tag), e.g. "v3.6.12", or "none". */
  controllerVersion: z.string(),
});
export type ClusterEnvironment = z.infer<typeof clusterEnvironment>;

export const clusterReport = z.object({
  schemaVersion: z.literal(1),
  /** Commit of the repository the run validated (for the record; staleness is decided by content hash and environment). */
  commit: z.string(),
  /** ISO 8601 time the run finished. */
  generatedAt: z.string(),
  /**
   * The cluster the run proved its results on. Reports written before the
   * field existed have none: their environment is unknown, so every result in
   * them reads as stale.
   */
  environment: clusterEnvironment.optional(),
  /** Reports before `environment` only: the server gitVersion. Not written any more; shown to name an old run. */
  kubernetesVersion: z.string().optional(),
  /** Reports before `environment` only: the kind version. Not written any more. */
  kindVersion: z.string().optional(),
  /** Reports before `environment` only: the CNI DaemonSet and image. Not written any more. */
  cni: z.string().optional(),
  examples: z.array(exampleResult),
  /** Manifests the API server had to reject, and whether it did. */
  rejections: z.array(z.object({ file: z.string(), rejected: z.boolean(), message: z.string() })).default([]),
});
export type ClusterReport = z.infer<typeof clusterReport>;
export type ExampleResult = z.infer<typeof exampleResult>;
