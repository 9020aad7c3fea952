/**
 * Turns the cluster report into what a page shows for one example. A missing
 * report or example is "not yet run". A result is "stale" only when what it
 * proved no longer matches: the example's own files changed (content hash),
 * or the cluster environment of the run is not the one the pins describe now
 * (or the report predates recording it). A commit that touches nothing an
 * example depends on leaves its badge as it was. Never a made-up pass.
 */
import { existsSync, readFileSync } from 'node:fs';
import { environmentDifferences, expectedEnvironment } from './environment.ts';
import { clusterReport, type ClusterEnvironment, type ClusterReport, type ExampleResult } from './schema.ts';

export type BadgeState = 'passed' | 'failed' | 'skipped' | 'stale' | 'not-run';

/** Why a result is stale: its files changed, or its environment differs from (or is unknown to) the current pins. */
export type StaleCause = 'files' | 'environment' | 'environment-unknown';

export interface ExampleBadge {
  state: BadgeState;
  /** Short words for the badge. */
  label: string;
  /** One sentence with versions and date, for the title attribute and the page. */
  detail: string;
  /** Set when state is "stale": what changed since the run. */
  staleCause?: StaleCause;
  result?: ExampleResult;
  /** The Kubernetes version of the run, when the report names one. */
  kubernetesVersion?: string;
  /** The run's date, YYYY-MM-DD. */
  date?: string;
  /** Checks of the result that passed, and all of them. */
  passed?: number;
  total?: number;
}

/** Reads and checks the report; a malformed report is an error, not "not run". */
export function readReport(file: string): ClusterReport | undefined {
  if (!existsSync(file)) return undefined;
  const parsed = clusterReport.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${file}: not a valid cluster report: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** The run's Kubernetes version: from its environment, else from the field old reports had; undefined when neither says. */
export function reportKubernetesVersion(report: ClusterReport): string | undefined {
  return report.environment?.kubernetes ?? report.kubernetesVersion;
}

/** The run's date, YYYY-MM-DD. */
export function reportDate(report: ClusterReport): string {
  return report.generatedAt.slice(0, 10);
}

export const NOT_RUN_LABEL = 'not yet run on a cluster';

/**
 * The badge of example `id` whose files hash to `contentHash` now, against
 * the environment the pins describe now (`current`, by default from the pin file).
 */
export function badgeFor(report: ClusterReport | undefined, id: string, contentHash: string, current: ClusterEnvironment = expectedEnvironment()): ExampleBadge {
  const notRun: ExampleBadge = { state: 'not-run', label: NOT_RUN_LABEL, detail: 'No cluster validation report covers this example yet.' };
  if (!report) return notRun;
  const result = report.examples.find((e) => e.id === id);
  if (!result) return notRun;
  const date = reportDate(report);
  const k8s = reportKubernetesVersion(report);
  const onK8s = k8s ? ` on Kubernetes ${k8s}` : '';
  const passed = result.checks.filter((c) => c.status === 'passed').length;
  const base = { result, kubernetesVersion: k8s, date, passed, total: result.checks.length };
  const stale = (staleCause: StaleCause, label: string, why: string): ExampleBadge => ({
    ...base,
    state: 'stale',
    staleCause,
    label,
    detail: `Last run${onK8s} on ${date}, where it ${result.status}; ${why}, so the result no longer applies.`,
  });
  if (result.contentHash !== contentHash) return stale('files', 'stale: files changed since the run', "the example's files changed since");
  if (!report.environment) return stale('environment-unknown', 'stale: environment unknown', 'the report does not record the cluster environment it ran on');
  const diff = environmentDifferences(report.environment, current);
  if (diff.length) return stale('environment', `stale: ${diff.map((d) => d.field === 'kubernetes' ? `run on Kubernetes ${d.recorded}` : `${d.name} changed`).join(', ')}`, `the cluster environment differs: ${diff.map((d) => d.text).join(', ')}`);
  if (result.status === 'skipped') {
    return { ...base, state: 'skipped', label: 'skipped on the cluster', detail: `Skipped${onK8s} on ${date}: ${result.reason ?? 'no reason given'}.` };
  }
  const env = report.environment;
  return {
    ...base,
    state: result.status,
    label: `${result.status === 'passed' ? 'verified' : 'failing'}${onK8s}`,
    detail: `${passed}/${result.checks.length} checks passed${onK8s} (kind ${env.kind}, ${env.cni}, kube-proxy ${env.kubeProxyMode}) on ${date}.`,
  };
}

/** What the last run recorded for one check, as "Try it" shows it under the command. */
export type RecordedCheck =
  | {
      state: 'recorded';
      /** An excerpt of the probe's output as the report holds it (`excerpt`), or "(no output)". */
      output: string;
      /** The check's own outcome on that run. */
      status: 'passed' | 'failed';
      /** "recorded on Kubernetes v1.37.2 on 2026-11-30". */
      caption: string;
      /** Names of the passed mutations under which this check failed, as it had to: "fails when <name>". */
      failsWhen: string[];
    }
  /** The report holds nothing current for this check; `text` says why, never a made-up output. */
  | { state: 'none'; text: string };

export const NO_RECORDED_OUTPUT = 'not yet run on a cluster';

/** Lines of recorded output a page shows under a command; the rest is counted, not shown. */
export const EXCERPT_LINES = 12;

/** The first `max` lines of an output, trimmed, and a last line counting what was left out. */
export function excerpt(output: string, max = EXCERPT_LINES): string {
  const lines = output.trim().split('\n');
  if (lines.length <= max) return lines.join('\n');
  const rest = lines.length - max;
  return `${lines.slice(0, max).join('\n')}\n[${rest} more line${rest === 1 ? '' : 's'}]`;
}

/**
 * The recorded outcome of check `name` of the example with `badge`. Only a
 * current result (verified or failing) counts: a stale result proved
 * something about other files or another cluster, so its output is not shown
 * as if it were this example's.
 */
export function recordedCheck(badge: ExampleBadge, name: string): RecordedCheck {
  const result = badge.result;
  if (badge.state === 'stale') return { state: 'none', text: `no current recorded output: ${badge.label}` };
  if (!result || (badge.state !== 'passed' && badge.state !== 'failed')) return { state: 'none', text: NO_RECORDED_OUTPUT };
  const check = result.checks.find((c) => c.name === name);
  if (!check) return { state: 'none', text: NO_RECORDED_OUTPUT };
  const failsWhen = result.mutations
    .filter((m) => m.status === 'passed' && m.checks.some((c) => c.name === name && c.expected === 'fail'))
    .map((m) => m.name);
  return {
    state: 'recorded',
    output: excerpt(check.output) || '(no output)',
    status: check.status,
    caption: `recorded${badge.kubernetesVersion ? ` on Kubernetes ${badge.kubernetesVersion}` : ''} on ${badge.date}`,
    failsWhen,
  };
}

/**
 * The result of one check in a few words, for tables (the validation page):
 * "passed", "failed after 3 attempts", "stale", "skipped" or "not run". The
 * one place that words a check's result, next to `expectation()` wording what
 * it must see.
 */
export function checkResultText(badge: ExampleBadge, name: string): string {
  if (badge.state === 'stale' || badge.state === 'skipped') return badge.state;
  const r = badge.state === 'passed' || badge.state === 'failed' ? badge.result?.checks.find((c) => c.name === name) : undefined;
  if (!r) return 'not run';
  return `${r.status}${r.attempts > 1 ? ` after ${r.attempts} attempts` : ''}`;
}

/** What the front page says about the last run, over the examples the site has now. */
export type RunSummary =
  | { state: 'none' }
  | {
      state: 'present';
      /** Examples whose badge is "verified", and all examples of the site. */
      verified: number;
      examples: number;
      /** Checks that passed in current (not stale) results, and every check of every example. */
      checksPassed: number;
      checks: number;
      /** Examples by badge state other than verified, for the sentence that says what is short. */
      failing: number;
      stale: number;
      notRun: number;
      skipped: number;
      /** The run's environment, when recorded. */
      environment?: ClusterEnvironment;
      kubernetesVersion?: string;
      /** ISO time of the run, and its YYYY-MM-DD. */
      generatedAt: string;
      date: string;
    };

/** Sums the badges of every example (`checkCounts[i]` = how many checks example i has) into the front page's numbers. */
export function summarizeRun(report: ClusterReport | undefined, badges: readonly ExampleBadge[], checkCounts: readonly number[]): RunSummary {
  if (!report) return { state: 'none' };
  const count = (s: BadgeState) => badges.filter((b) => b.state === s).length;
  return {
    state: 'present',
    verified: count('passed'),
    examples: badges.length,
    checksPassed: badges.reduce((n, b) => n + (b.state === 'passed' || b.state === 'failed' ? (b.passed ?? 0) : 0), 0),
    checks: checkCounts.reduce((n, c) => n + c, 0),
    failing: count('failed'),
    stale: count('stale'),
    notRun: count('not-run'),
    skipped: count('skipped'),
    environment: report.environment,
    kubernetesVersion: reportKubernetesVersion(report),
    generatedAt: report.generatedAt,
    date: reportDate(report),
  };
}
