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
});

export const clusterReport = z.object({
  schemaVersion: z.literal(1),
  /** Commit of the repository the run validated. */
  commit: z.string(),
  /** ISO 8601 time the run finished. */
  generatedAt: z.string(),
  /** `kubectl version` server gitVersion, e.g. K8S_VERSION of the pin file on the project's cluster. */
  kubernetesVersion: z.string(),
  /** kind version, or "none" for a cluster not made by kind. */
  kindVersion: z.string(),
  /** CNI name and version. */
  cni: z.string(),
  examples: z.array(exampleResult),
  /** Manifests the API server had to reject, and whether it did. */
  rejections: z.array(z.object({ file: z.string(), rejected: z.boolean(), message: z.string() })).default([]),
});
export type ClusterReport = z.infer<typeof clusterReport>;
export type ExampleResult = z.infer<typeof exampleResult>;
