/**
 * Turns an example's checks into the exact commands the cluster runner runs
 * and the page shows ("Try it"), with the expected result in words.
 *
 * One function for both, so the page cannot drift from what CI ran. The
 * namespace is the example's slug in both places.
 */
import { failureExpected, FROM_HOST, LB_IP_REF, type Check, type FailureExpectation } from '../examples/spec.ts';
import type { LoadedExample } from '../examples/load.ts';
import { rawFileUrl } from '../site/routes.ts';

/** Seconds a probe waits before giving up; `timeout` means no answer within this. */
export const PROBE_TIMEOUT_SECONDS = 5;

/** What a check must see, in words: the one source of every expectation the site shows. */
export interface Expectation {
  /** How the connection must fail (`blocked`, `refused`, `timeout`), or undefined when an answer is expected. */
  failure: FailureExpectation | undefined;
  /** A few words for tables, e.g. "refused", "times out", "HTTP 200". */
  label: string;
  /** For a check whose connection must fail, what the "Try it" list marks it with, e.g. "must be refused". */
  mustFail?: string;
  /** What the reader should see, in one line. */
  text: string;
}

export interface RenderedCheck {
  name: string;
  /** argv for child_process (no shell involved). */
  argv: string[];
  /** The same command, shell-quoted, for a reader to paste. */
  command: string;
  /** What the reader should see, in one line (`expectation.text`). */
  expected: string;
  /** The whole expectation: label, text and how the connection must fail. */
  expectation: Expectation;
  /** true when success means the connection fails (blocked, refused or timeout). */
  mustBeBlocked: boolean;
}

/** Quotes one word for a POSIX shell only when it needs it. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function substituteNamespace(s: string, namespace: string): string {
  return s.replaceAll('$NAMESPACE', namespace);
}

/** The argv of an http check's curl, for `url` (already substituted). */
export function curlArgv(check: Check, url: string, namespace: string): string[] {
  const argv = ['curl', '-sS', '--max-time', String(PROBE_TIMEOUT_SECONDS), '-w', '\\nHTTP %{http_code}\\n'];
  for (const [k, v] of Object.entries(check.http?.headers ?? {})) argv.push('-H', `${k}: ${substituteNamespace(v, namespace)}`);
  argv.push(url);
  return argv;
}

/** The kubectl command that prints a Service's load-balancer address, as a `from: host` page shows it. */
export function lbIpCommand(service: string, namespace: string): string[] {
  return ['kubectl', '-n', namespace, 'get', 'service', service, '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}'];
}

/**
 * A `from: host` check as a reader types it on their own machine: curl, with
 * `$LB_IP(<service>)` read back by kubectl in a command substitution. The
 * runner does the same two steps, and checks the address before it probes.
 */
function hostCommand(check: Check, namespace: string): string {
  const url = check.http!.url.replace(LB_IP_REF, (_, svc: string) => `$(${lbIpCommand(svc, namespace).map(shellQuote).join(' ')})`);
  const argv = curlArgv(check, url, namespace);
  // the URL (a plain path, spec.ts) goes in double quotes so that the substitution runs
  return [...argv.slice(0, -1).map(shellQuote), `"${url}"`].join(' ');
}

/** The probe's argv inside the pod. */
export function probeArgv(check: Check, namespace: string): string[] {
  const sub = (s: string) => substituteNamespace(s, namespace);
  if (check.http) return curlArgv(check, sub(check.http.url), namespace);
  if (check.tcp) {
    return ['/agnhost', 'connect', `--timeout=${PROBE_TIMEOUT_SECONDS}s`, `${sub(check.tcp.host)}:${check.tcp.port}`];
  }
  if (check.dns) {
    const argv = ['nslookup'];
    if (check.dns.type !== 'A') argv.push(`-type=${check.dns.type}`);
    argv.push(sub(check.dns.name));
    return argv;
  }
  throw new Error(`check "${check.name}" has no probe`);
}

/** Labels and marks of the three ways a connection must fail. */
const FAILURE_WORDS: Record<FailureExpectation, { label: string; mustFail: string }> = {
  blocked: { label: 'blocked (refused or times out)', mustFail: 'must be blocked: refused or timed out, either counts' },
  refused: { label: 'refused', mustFail: 'must be refused' },
  timeout: { label: 'times out', mustFail: 'must time out' },
};

/**
 * What a check must see, in words, for every check type: the "Try it" list,
 * the example pages and the validation page all show this and nothing else.
 */
export function expectation(check: Check, namespace: string): Expectation {
  const sub = (s: string) => substituteNamespace(s, namespace);
  const failure = failureExpected(check);
  const t = PROBE_TIMEOUT_SECONDS;
  const failed = (text: string): Expectation => ({ failure, ...FAILURE_WORDS[failure!], text });
  if (check.http) {
    const e = check.http.expect;
    if (failure === 'refused') return failed('refused at once: curl exits 7 ("Connection refused" or "Couldn\'t connect to server")');
    if (failure === 'timeout') return failed(`no answer: curl exits 28 ("timed out") after ${t} s`);
    if (failure === 'blocked') return failed(`no response: curl exits 7 (refused at once) or 28 (timed out) within ${t} s; either counts`);
    if (typeof e === 'string') throw new Error(`unknown http expectation ${e}`);
    const body = [e.bodyContains && `the body contains "${sub(e.bodyContains)}"`, e.bodyLacks && `the body does not contain "${sub(e.bodyLacks)}"`].filter(Boolean);
    const host = check.from === FROM_HOST && `${e.bodyContains ?? ''}${e.bodyLacks ?? ''}`.includes('$HOST_ADDRESS') ? ' ($HOST_ADDRESS: your machine\'s own address on its route to the load balancer, e.g. from `ip route get` to it)' : '';
    return { failure, label: `HTTP ${e.status}`, text: `last line "HTTP ${e.status}"${body.length ? `, and ${body.join(' and ')}` : ''}${host}` };
  }
  if (check.tcp) {
    if (failure === 'refused') return failed('prints REFUSED and exits 1: the connection is refused at once');
    if (failure === 'timeout') return failed(`prints TIMEOUT and exits 1: nothing answers within ${t} s`);
    if (failure === 'blocked') return failed(`prints TIMEOUT or REFUSED and exits 1: the connection was not accepted within ${t} s`);
    return { failure, label: 'connects', text: 'exits 0 with no output: the connection was accepted' };
  }
  if (check.dns) {
    const d = check.dns;
    if (failure === 'refused') return failed('fails with "connection refused": the DNS server\'s address rejects the query at once');
    if (failure === 'timeout') return failed(`fails with "timed out" and "no servers could be reached": no DNS server answers within the timeout`);
    if (failure === 'blocked') return failed('fails with "no servers could be reached" (refused or timed out): no DNS server answers');
    if (d.expect === 'nxdomain') return { failure, label: 'NXDOMAIN', text: 'fails with NXDOMAIN: the name does not exist' };
    const record = d.type === 'SRV' ? 'an SRV record' : `an ${d.type} record`;
    return { failure, label: 'resolves', text: `answers with ${record}${d.answerContains ? ` containing "${sub(d.answerContains)}"` : ''}` };
  }
  if (check.kubectl) {
    const e = check.kubectl.expect;
    const parts = [e.exitCode === 0 ? 'succeeds' : `exits ${e.exitCode}`];
    if (e.outputContains.length) parts.push(`and the output contains ${e.outputContains.map((s) => `"${sub(s)}"`).join(', ')}`);
    return { failure, label: e.exitCode === 0 ? 'succeeds' : `exits ${e.exitCode}`, text: parts.join(' ') };
  }
  return { failure, label: '', text: '' };
}

/** The expected result as one sentence: `expectation(check, namespace).text`. */
export function expectedText(check: Check, namespace: string): string {
  return expectation(check, namespace).text;
}

export function renderCheck(check: Check, namespace: string): RenderedCheck {
  const e = expectation(check, namespace);
  const expected = { expected: e.text, expectation: e, mustBeBlocked: e.failure !== undefined };
  if (check.kubectl) {
    const argv = ['kubectl', '-n', namespace, ...check.kubectl.args.map((a) => substituteNamespace(a, namespace))];
    return { name: check.name, argv, command: argv.map(shellQuote).join(' '), ...expected };
  }
  if (check.from === FROM_HOST) {
    const command = hostCommand(check, namespace);
    return { name: check.name, argv: ['sh', '-c', command], command, ...expected };
  }
  const target = ['exec', '-n', namespace, check.from!];
  if (check.container) target.push('-c', check.container);
  const argv = ['kubectl', ...target, '--', ...probeArgv(check, namespace)];
  return { name: check.name, argv, command: argv.map(shellQuote).join(' '), ...expected };
}

/**
 * The commands that put an example on a cluster, as the page prints them:
 * a namespace named after the slug, each extra namespace with its labels,
 * then each file from the published site, in apply order, into the
 * namespace its objects are in. The runner creates the same namespaces with
 * the same labels (plus its run and Pod Security labels) and applies the
 * same files into the same namespaces.
 */
export function applyCommands(example: Pick<LoadedExample, 'slug' | 'files'> & { spec: Pick<LoadedExample['spec'], 'namespaces'> }, siteUrl?: string): string[] {
  const out = [`kubectl create namespace ${example.slug}`];
  for (const n of example.spec.namespaces) {
    out.push(`kubectl create namespace ${n.name}`);
    const labels = Object.entries(n.labels);
    if (labels.length) out.push(['kubectl', 'label', 'namespace', n.name, ...labels.map(([k, v]) => `${k}=${v}`)].map(shellQuote).join(' '));
  }
  for (const f of example.files) out.push(`kubectl apply -n ${f.namespace ?? example.slug} -f ${rawFileUrl(f.examplePath, siteUrl)}`);
  return out;
}
