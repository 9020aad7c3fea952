/**
 * Build-time access to examples and the report for pages and components.
 * Loads each example once per build.
 */
import { examplesRoot, loadAllExamples, loadExample, type LoadedExample } from './load.ts';
import { badgeFor, readReport, summarizeRun, type ExampleBadge, type RunSummary } from '../report/status.ts';
import { REPORT_PATH } from '../site-config.ts';
import type { ClusterReport } from '../report/schema.ts';

let all: LoadedExample[] | undefined;
let report: ClusterReport | undefined | null = null;

export function allExamples(): LoadedExample[] {
  all ??= loadAllExamples(examplesRoot());
  return all;
}

export function getExample(id: string): LoadedExample {
  return allExamples().find((e) => e.id === id) ?? loadExample(examplesRoot(), id);
}

export function clusterReportOrUndefined(): ClusterReport | undefined {
  if (report === null) report = readReport(REPORT_PATH);
  return report;
}

/** The example's badge: decided by its content hash and the environment the pins describe, never by the commit. */
export function badgeForExample(ex: LoadedExample): ExampleBadge {
  return badgeFor(clusterReportOrUndefined(), ex.id, ex.contentHash);
}

/** The last run over every example the site has now, for the front page. */
export function runSummary(): RunSummary {
  const examples = allExamples();
  return summarizeRun(clusterReportOrUndefined(), examples.map(badgeForExample), examples.map((e) => e.spec.checks.length));
}

/** Topic folder name to a heading. */
export function topicTitle(topic: string): string {
  const known: Record<string, string> = {
    pods: 'Pods and the network model',
    services: 'Services',
    endpoints: 'EndpointSlices and kube-proxy',
    dns: 'DNS',
    cni: 'CNI',
    ingress: 'Ingress',
    gateway: 'Gateway API',
    networkpolicy: 'NetworkPolicy',
    troubleshooting: 'Troubleshooting',
  };
  return known[topic] ?? topic.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());
}
