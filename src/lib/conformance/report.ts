/**
 * reports/conformance.json: what upstream's own test suites said about the
 * project's cluster. Each suite is a run of Kubernetes' e2e.test (Ginkgo) with
 * a focus and a skip list, or of cyclonus; this module turns their machine
 * reports into one summary the site shows. Pure: tested on recorded reports.
 */
import { z } from 'zod';

/** A spec the suite left out on purpose, and why. */
export const skippedSpec = z.object({
  /** The spec's full text, as Ginkgo prints it. */
  name: z.string(),
  /** Why it did not run: our skip rule's reason, or the test's own skip message. */
  reason: z.string(),
});

/** A spec that ran and failed. */
export const failedSpec = z.object({
  name: z.string(),
  /** First line of the failure message. */
  message: z.string(),
});

/** One suite's outcome. */
export const suiteResult = z.object({
  /** Short id, e.g. `netpol`. */
  id: z.string(),
  /** What the suite is, in words. */
  title: z.string(),
  /** The tool and version that ran it, e.g. `e2e.test k8s.io/kubernetes v1.37.2`. */
  tool: z.string(),
  /** How specs were chosen (Ginkgo focus and skip expressions, or cyclonus flags). */
  selection: z.string(),
  passed: z.array(z.string()),
  failed: z.array(failedSpec),
  skipped: z.array(skippedSpec),
  durationSeconds: z.number().nonnegative(),
});

export const conformanceReport = z.object({
  schemaVersion: z.literal(1),
  /** ISO 8601 time the run finished. */
  generatedAt: z.string(),
  /** Server version the suites ran against. */
  kubernetesVersion: z.string(),
  /** The cluster's network plugin and kube-proxy mode. */
  cni: z.string(),
  kubeProxyMode: z.string(),
  /** `full` (npm run test:conformance) or `ci` (the subset .ci/run runs). */
  scope: z.enum(['full', 'ci']),
  suites: z.array(suiteResult),
});
export type SuiteResult = z.infer<typeof suiteResult>;
export type ConformanceReport = z.infer<typeof conformanceReport>;

/** The part of a Ginkgo v2 JSON report (`--ginkgo.json-report`) this module reads. */
const ginkgoSpec = z.object({
  ContainerHierarchyTexts: z.array(z.string()).nullish(),
  LeafNodeText: z.string().default(''),
  LeafNodeType: z.string(),
  State: z.string(),
  RunTime: z.number().default(0),
  Failure: z.object({ Message: z.string().default('') }).partial().nullish(),
});
const ginkgoReport = z.array(z.object({ SpecReports: z.array(ginkgoSpec).nullish(), RunTime: z.number().default(0) }));

/** A skip rule: specs whose text matches `pattern` are not run, for `reason`. */
export interface SkipRule {
  pattern: string;
  reason: string;
}

/** Full spec text as Ginkgo matches focus and skip expressions against it. */
export function specText(s: { ContainerHierarchyTexts?: string[] | null; LeafNodeText: string }): string {
  return [...(s.ContainerHierarchyTexts ?? []), s.LeafNodeText].filter(Boolean).join(' ');
}

const firstLine = (s: string) => (s.trim().split('\n').find((l) => l.trim()) ?? '').slice(0, 300);

/**
 * Summarises a Ginkgo JSON report for the specs matching `focus`. Specs outside
 * the focus are not counted at all; a focused spec matching a skip rule is
 * listed with that rule's reason; one the test skipped itself, with its message.
 */
export function summariseGinkgo(json: unknown, focus: string, skips: SkipRule[]): Pick<SuiteResult, 'passed' | 'failed' | 'skipped' | 'durationSeconds'> {
  const reports = ginkgoReport.parse(json);
  const focusRe = new RegExp(focus);
  const passed: string[] = [];
  const failed: SuiteResult['failed'] = [];
  const skipped: SuiteResult['skipped'] = [];
  let runTimeNs = 0;
  for (const r of reports) {
    runTimeNs += r.RunTime;
    for (const s of r.SpecReports ?? []) {
      if (s.LeafNodeType !== 'It') continue; // suite setup nodes
      const name = specText(s);
      if (!focusRe.test(name)) continue;
      const rule = skips.find((k) => new RegExp(k.pattern).test(name));
      if (s.State === 'passed') passed.push(name);
      else if (s.State === 'skipped' || s.State === 'pending') {
        skipped.push({ name, reason: rule?.reason ?? (firstLine(s.Failure?.Message ?? '') || 'skipped by the test itself') });
      } else failed.push({ name, message: `${s.State}: ${firstLine(s.Failure?.Message ?? '')}` });
    }
  }
  return { passed, failed, skipped, durationSeconds: Math.round(runTimeNs / 1e9) };
}

/** One line per suite: `netpol  45 passed, 0 failed, 5 skipped (480 s)`. */
export function summaryLine(s: SuiteResult): string {
  return `${s.id}  ${s.passed.length} passed, ${s.failed.length} failed, ${s.skipped.length} skipped (${s.durationSeconds} s)`;
}

const XML_ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'", '&#39;': "'", '&#34;': '"', '&amp;': '&' };
const unescapeXml = (s: string) => s.replace(/&(lt|gt|quot|apos|amp|#39|#34);/g, (e) => XML_ENTITIES[e]!);

/**
 * Summarises cyclonus' JUnit file (`--junit-results-file`): one testcase per
 * generated case, failed when any cell of its reachability matrix differed
 * from what the NetworkPolicy API prescribes.
 */
export function summariseCyclonusJunit(xml: string): Pick<SuiteResult, 'passed' | 'failed' | 'skipped'> {
  if (!/<testsuite\b/.test(xml)) throw new Error('not a JUnit file: no <testsuite> element');
  const passed: string[] = [];
  const failed: SuiteResult['failed'] = [];
  for (const m of xml.matchAll(/<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const name = unescapeXml(/\bname="([^"]*)"/.exec(m[1]!)?.[1] ?? '');
    if (/<failure\b/.test(m[3] ?? '')) failed.push({ name, message: 'the probed reachability differs from the expected truth table' });
    else passed.push(name);
  }
  return { passed, failed, skipped: [] };
}
