/**
 * Build-time access to examples, topics and the report for pages and
 * components. Loads each example, the topics file and the report once per build.
 */
import { loadAllExamples, loadExample, type LoadedExample } from './load.ts';
import { readTopics, topicTitleIn, type Topics } from './topics.ts';
import { badgeFor, readReport, summarizeRun, type ExampleBadge, type RunSummary } from '../report/status.ts';
import { siteConfig } from '../site/config.ts';
import type { ClusterReport } from '../report/schema.ts';

const config = siteConfig();
let all: LoadedExample[] | undefined;
let topics: Topics | undefined;
let report: ClusterReport | undefined | null = null;

export function allExamples(): LoadedExample[] {
  all ??= loadAllExamples(config.examplesDir);
  return all;
}

export function getExample(id: string): LoadedExample {
  return allExamples().find((e) => e.id === id) ?? loadExample(config.examplesDir, id);
}

export function clusterReportOrUndefined(): ClusterReport | undefined {
  if (report === null) report = readReport(config.clusterReport);
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

/** A topic folder's heading (examples/topics.json). */
export function topicTitle(topic: string): string {
  topics ??= readTopics(config.examplesDir);
  return topicTitleIn(topics, topic);
}
