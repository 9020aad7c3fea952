/**
 * Decides whether a probe's output meets its check. Pure: tested on
 * recorded outputs, used by the cluster runner on live ones.
 */
import { failureExpected, type Check, type FailureExpectation } from '../examples/spec.ts';
import { PROBE_TIMEOUT_SECONDS, substituteNamespace } from '../checks/commands.ts';
import type { RunResult } from './kubectl.ts';

export interface Verdict {
  passed: boolean;
  /** One line: why it passed or failed. */
  reason: string;
}

const CURL_COULDNT_CONNECT = 7;
const CURL_TIMED_OUT = 28;
const CURL_RESOLVE_FAILED = 6;

/**
 * How a probe that should not get through actually ended. `refused` and
 * `timeout` are the two ways of failing that a check can name; `answered`
 * means it got through; `other` is any other failure (a name that does not
 * resolve, a missing pod), which never counts as blocked.
 */
export interface Failure {
  kind: 'refused' | 'timeout' | 'answered' | 'other';
  /** What happened, in words, for the reason line. */
  what: string;
}

/** curl: exit 7 is refused at once (reset or ICMP reject), exit 28 is no answer within --max-time. */
export function curlFailure(r: RunResult): Failure {
  const said = firstLine(r.stderr);
  if (r.exitCode === CURL_COULDNT_CONNECT) return { kind: 'refused', what: `refused at once (curl exit 7: ${said || 'could not connect'})` };
  if (r.exitCode === CURL_TIMED_OUT) return { kind: 'timeout', what: `no answer within ${PROBE_TIMEOUT_SECONDS} s (curl exit 28: ${said || 'timed out'})` };
  if (r.exitCode === 0) return { kind: 'answered', what: `the request got an answer${statusOf(r.stdout) ? `, HTTP ${statusOf(r.stdout)}` : ''}` };
  if (r.exitCode === CURL_RESOLVE_FAILED) return { kind: 'other', what: `the name did not resolve (curl exit 6), which is neither refused nor timed out` };
  return { kind: 'other', what: `curl exited ${r.exitCode}: ${said || firstLine(r.stdout)}` };
}

/** agnhost connect: exit 0 when connected, else REFUSED or TIMEOUT (or another error) on stderr. */
export function connectFailure(r: RunResult): Failure {
  const out = `${r.stdout}\n${r.stderr}`;
  if (r.exitCode === 0) return { kind: 'answered', what: 'the connection was accepted' };
  const refused = /\bREFUSED\b/.test(out);
  const timeout = /\bTIMEOUT\b/.test(out);
  if (refused && !timeout) return { kind: 'refused', what: 'refused at once (agnhost connect printed REFUSED)' };
  if (timeout && !refused) return { kind: 'timeout', what: `no answer within ${PROBE_TIMEOUT_SECONDS} s (agnhost connect printed TIMEOUT)` };
  return { kind: 'other', what: `agnhost connect failed otherwise: ${firstLine(out)}` };
}

/**
 * nslookup (bind): a refused query prints "connection refused" (";; connection
 * refused" or ";; communications error to ...: connection refused", possibly
 * followed by "no servers could be reached"); a dropped one prints "timed out"
 * and "no servers could be reached". Both in one output is neither.
 */
export function lookupFailure(r: RunResult): Failure {
  const out = `${r.stdout}\n${r.stderr}`;
  if (r.exitCode === 0) return { kind: 'answered', what: `the lookup got an answer: ${firstLine(r.stdout)}` };
  if (/NXDOMAIN|SERVFAIL|REFUSED\b/.test(out) && !/connection refused/i.test(out)) {
    return { kind: 'answered', what: `a DNS server answered: ${firstLine(out)}` };
  }
  const refused = /connection refused/i.test(out);
  const timeout = /timed out/i.test(out);
  if (refused && timeout) return { kind: 'other', what: `some queries were refused and some timed out: ${firstLine(out)}` };
  if (refused) return { kind: 'refused', what: `refused at once (nslookup: ${lineWith(out, /connection refused/i)})` };
  if (timeout || /no servers could be reached/i.test(out)) {
    return { kind: 'timeout', what: `no answer within the timeout (nslookup: ${lineWith(out, /timed out|no servers could be reached/i)})` };
  }
  return { kind: 'other', what: `nslookup failed otherwise: ${firstLine(out)}` };
}

const EXPECTED_WORDS: Record<FailureExpectation, string> = {
  blocked: 'blocked (refused or timed out)',
  refused: 'refused at once',
  timeout: `to get no answer within ${PROBE_TIMEOUT_SECONDS} s (a timeout)`,
};

/** The verdict for a check that expects its connection to fail in the way `want` says. */
export function judgeFailure(want: FailureExpectation, f: Failure): Verdict {
  const passed = f.kind === want || (want === 'blocked' && (f.kind === 'refused' || f.kind === 'timeout'));
  if (passed) return { passed, reason: want === 'blocked' ? `blocked: ${f.what}` : f.what };
  return { passed, reason: `expected ${EXPECTED_WORDS[want]}, but ${f.what}` };
}

export function evaluate(check: Check, r: RunResult, namespace: string): Verdict {
  const out = `${r.stdout}\n${r.stderr}`;
  if (r.timedOut) return { passed: false, reason: 'the probe itself hung past its deadline' };
  const failure = failureExpected(check);
  if (check.http) {
    const e = check.http.expect;
    if (failure) return judgeFailure(failure, curlFailure(r));
    if (typeof e === 'string') return { passed: false, reason: `unknown expectation ${e}` };
    if (r.exitCode !== 0) return { passed: false, reason: `curl exited ${r.exitCode}: ${firstLine(r.stderr)}` };
    const status = statusOf(r.stdout);
    if (status !== e.status) return { passed: false, reason: `expected HTTP ${e.status}, got ${status ?? 'no status'}` };
    if (e.bodyContains && !r.stdout.includes(substituteNamespace(e.bodyContains, namespace))) {
      return { passed: false, reason: `HTTP ${status} but the body lacks "${substituteNamespace(e.bodyContains, namespace)}"` };
    }
    if (e.bodyLacks && r.stdout.includes(substituteNamespace(e.bodyLacks, namespace))) {
      return { passed: false, reason: `HTTP ${status} but the body contains "${substituteNamespace(e.bodyLacks, namespace)}"` };
    }
    return { passed: true, reason: `HTTP ${status}` };
  }
  if (check.tcp) {
    if (failure) return judgeFailure(failure, connectFailure(r));
    return r.exitCode === 0 ? { passed: true, reason: 'connected' } : { passed: false, reason: `not connected: ${firstLine(out)}` };
  }
  if (check.dns) {
    const d = check.dns;
    if (failure) return judgeFailure(failure, lookupFailure(r));
    if (d.expect === 'nxdomain') {
      return /NXDOMAIN/.test(out) ? { passed: true, reason: 'NXDOMAIN' } : { passed: false, reason: `expected NXDOMAIN, got: ${firstLine(out)}` };
    }
    if (r.exitCode !== 0) return { passed: false, reason: `lookup failed: ${firstLine(out)}` };
    const answered = d.type === 'SRV' ? /service\s*=/.test(r.stdout) : /Name:\s*\S+[\s\S]*Address(es)?:\s*\S+/.test(r.stdout) || (d.type === 'CNAME' && /canonical name\s*=/.test(r.stdout));
    if (!answered) return { passed: false, reason: `no ${d.type} answer in the output` };
    if (d.answerContains && !r.stdout.includes(substituteNamespace(d.answerContains, namespace))) {
      return { passed: false, reason: `answer lacks "${substituteNamespace(d.answerContains, namespace)}"` };
    }
    return { passed: true, reason: `resolved (${d.type})` };
  }
  if (check.kubectl) {
    const e = check.kubectl.expect;
    if (r.exitCode !== e.exitCode) return { passed: false, reason: `exit ${r.exitCode}, expected ${e.exitCode}: ${firstLine(r.stderr)}` };
    const missing = e.outputContains.map((s) => substituteNamespace(s, namespace)).filter((s) => !out.includes(s));
    if (missing.length) return { passed: false, reason: `output lacks ${missing.map((m) => `"${m}"`).join(', ')}` };
    return { passed: true, reason: `exit ${r.exitCode}` };
  }
  return { passed: false, reason: 'the check has no probe' };
}

function statusOf(stdout: string): number | undefined {
  const m = stdout.match(/HTTP (\d{3})\s*$/);
  return m ? Number(m[1]) : undefined;
}

function firstLine(s: string): string {
  return (s.trim().split('\n').find((l) => l.trim()) ?? '').slice(0, 200);
}

/** The first line matching re (trimmed), else the first line. */
function lineWith(s: string, re: RegExp): string {
  return (s.split('\n').find((l) => re.test(l))?.trim() ?? firstLine(s)).slice(0, 200);
}

/** A short excerpt of a probe's output for the report. */
export function excerpt(r: RunResult, max = 400): string {
  const s = `${r.stdout}${r.stderr ? `\n${r.stderr}` : ''}`.trim();
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
