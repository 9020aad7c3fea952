/**
 * Reads reports/conformance.json (or CONFORMANCE_REPORT) for the conformance
 * page. The report is gitignored, so it may be absent: then the page says no
 * run is recorded. A file that is there but not a valid report is an error
 * naming the file, never shown as "no run" (as the cluster report is read in
 * src/lib/report/status.ts). Also the few facts the page derives from it.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Pins } from '../pins.ts';
import { conformanceReport, type ConformanceReport, type SuiteResult } from './report.ts';

export type LoadedConformanceReport =
  | { state: 'absent'; file: string; message: string }
  | { state: 'invalid'; file: string; message: string }
  | { state: 'present'; file: string; report: ConformanceReport };

/** Checks a report's text; `file` only names it in the message. */
export function parseConformanceReport(text: string, file: string): LoadedConformanceReport {
  const invalid = (why: string): LoadedConformanceReport => ({ state: 'invalid', file, message: `${file}: not a valid conformance report: ${why}` });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return invalid(`not JSON (${(e as Error).message})`);
  }
  const parsed = conformanceReport.safeParse(json);
  if (!parsed.success) return invalid(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  return { state: 'present', file, report: parsed.data };
}

/** Reads the report at `file`: absent, invalid (with a message naming the file) or present. */
export function loadConformanceReport(file: string): LoadedConformanceReport {
  if (!existsSync(file)) {
    return { state: 'absent', file, message: `${file}: no conformance report; run npm run cluster:up && npm run test:conformance to write one` };
  }
  return parseConformanceReport(readFileSync(file, 'utf8'), file);
}

/** For the build: the report, or undefined when there is none; an invalid report throws, so the build fails naming the file. */
export function conformanceReportForBuild(file: string): ConformanceReport | undefined {
  const loaded = loadConformanceReport(file);
  if (loaded.state === 'invalid') throw new Error(loaded.message);
  return loaded.state === 'present' ? loaded.report : undefined;
}

/** Passed, failed and skipped spec counts of some suites. */
export function specCounts(suites: SuiteResult[]): { passed: number; failed: number; skipped: number } {
  return {
    passed: suites.reduce((n, s) => n + s.passed.length, 0),
    failed: suites.reduce((n, s) => n + s.failed.length, 0),
    skipped: suites.reduce((n, s) => n + s.skipped.length, 0),
  };
}

/** `42 s`, `8 min 5 s`, `1 h 2 min`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const m = Math.floor((s % 3600) / 60);
  return `${Math.floor(s / 3600)} h${m ? ` ${m} min` : ''}`;
}

/**
 * Where the run's cluster differs from the pinned one the site describes
 * (Kubernetes version, CNI, kube-proxy mode), one sentence each; empty when
 * it ran on the cluster the pins describe.
 */
export function differencesFromPins(report: ConformanceReport, pins: Pick<Pins, 'K8S_VERSION' | 'CNI' | 'KUBE_PROXY_MODE'>): string[] {
  const out: string[] = [];
  if (report.kubernetesVersion !== pins.K8S_VERSION) out.push(`it ran on Kubernetes ${report.kubernetesVersion}; the pinned version is ${pins.K8S_VERSION}`);
  if (report.cni !== pins.CNI) out.push(`it ran with the ${report.cni} network plugin; the pinned one is ${pins.CNI}`);
  if (report.kubeProxyMode !== pins.KUBE_PROXY_MODE) out.push(`it ran with kube-proxy in ${report.kubeProxyMode} mode; the pinned mode is ${pins.KUBE_PROXY_MODE}`);
  return out;
}
