// The cluster runner's verdicts, on outputs recorded from the real tools
// (curl, bind's nslookup, agnhost connect, kubectl), so a pass cannot come
// from a lenient parser.
import { describe, expect, it } from 'vitest';
import { check as checkSchema, type Check } from '../../src/lib/examples/spec.ts';
import { evaluate } from '../../src/lib/runner/evaluate.ts';
import type { RunResult } from '../../src/lib/runner/kubectl.ts';

const c = (raw: unknown): Check => checkSchema.parse(raw);
const r = (exitCode: number, stdout = '', stderr = '', timedOut = false): RunResult => ({ exitCode, stdout, stderr, timedOut, durationMs: 10 });

describe('http checks', () => {
  const ok = c({ name: 'n', from: 'client', http: { url: 'http://web:8080/hostname', expect: { status: 200, bodyContains: 'web-' } } });
  it('passes on the status and body', () => {
    expect(evaluate(ok, r(0, 'web-7d9c-abcde\nHTTP 200\n'), 'ns')).toEqual({ passed: true, reason: 'HTTP 200' });
  });
  it('fails on another status or a missing body text', () => {
    expect(evaluate(ok, r(0, 'not found\nHTTP 404\n'), 'ns')).toEqual({ passed: false, reason: 'expected HTTP 200, got 404' });
    expect(evaluate(ok, r(0, 'other\nHTTP 200\n'), 'ns')).toEqual({ passed: false, reason: 'HTTP 200 but the body lacks "web-"' });
  });
  it('a request that fails is not a status', () => {
    expect(evaluate(ok, r(7, '', "curl: (7) Failed to connect to web port 8080 after 2 ms: Couldn't connect to server\n"), 'ns')).toEqual({
      passed: false,
      reason: "curl exited 7: curl: (7) Failed to connect to web port 8080 after 2 ms: Couldn't connect to server",
    });
  });
  it('never passes when the probe itself hung', () => {
    const blocked = c({ name: 'n', from: 'client', http: { url: 'http://web:8080/', expect: 'blocked' } });
    expect(evaluate(blocked, r(124, '', '', true), 'ns')).toEqual({ passed: false, reason: 'the probe itself hung past its deadline' });
  });
});

/**
 * Checks whose connection must fail, against recorded probe outputs, one
 * describe block per recorded output: each says which of blocked, refused
 * and timeout it meets, with the exact reason line.
 */
const failing = {
  http: (e: string) => c({ name: 'n', from: 'client', http: { url: 'http://web:8080/', expect: e } }),
  tcp: (e: string) => c({ name: 'n', from: 'client', tcp: { host: 'web', port: 8080, expect: e } }),
  dns: (e: string) => c({ name: 'n', from: 'client', dns: { name: 'web', expect: e } }),
};
type Probe = keyof typeof failing;
const verdicts = (probe: Probe, out: RunResult) =>
  Object.fromEntries((['blocked', 'refused', 'timeout'] as const).map((e) => [e, evaluate(failing[probe](e), out, 'demo')])) as Record<'blocked' | 'refused' | 'timeout', { passed: boolean; reason: string }>;
const NOT = {
  blocked: 'expected blocked (refused or timed out), but',
  refused: 'expected refused at once, but',
  timeout: 'expected to get no answer within 5 s (a timeout), but',
};

describe('fixture: curl refused (curl 8, exit 7)', () => {
  const out = r(7, '', "curl: (7) Failed to connect to web port 8080 after 2 ms: Couldn't connect to server\n");
  it('meets blocked and refused; fails timeout, saying it was refused', () => {
    const what = "refused at once (curl exit 7: curl: (7) Failed to connect to web port 8080 after 2 ms: Couldn't connect to server)";
    expect(verdicts('http', out)).toEqual({
      blocked: { passed: true, reason: `blocked: ${what}` },
      refused: { passed: true, reason: what },
      timeout: { passed: false, reason: `${NOT.timeout} ${what}` },
    });
  });
});

describe('fixture: curl refused (older curl, "Connection refused")', () => {
  const out = r(7, '', 'curl: (7) Failed to connect to web port 8080: Connection refused\n');
  it('meets refused', () => {
    expect(verdicts('http', out).refused).toEqual({ passed: true, reason: 'refused at once (curl exit 7: curl: (7) Failed to connect to web port 8080: Connection refused)' });
  });
});

describe('fixture: curl timed out (exit 28)', () => {
  const out = r(28, '', 'curl: (28) Connection timed out after 5002 milliseconds\n');
  it('meets blocked and timeout; fails refused, saying it timed out', () => {
    const what = 'no answer within 5 s (curl exit 28: curl: (28) Connection timed out after 5002 milliseconds)';
    expect(verdicts('http', out)).toEqual({
      blocked: { passed: true, reason: `blocked: ${what}` },
      refused: { passed: false, reason: `${NOT.refused} ${what}` },
      timeout: { passed: true, reason: what },
    });
  });
});

describe('fixture: curl got HTTP 200', () => {
  it('meets none of them', () => {
    const what = 'the request got an answer, HTTP 200';
    expect(verdicts('http', r(0, 'web-1\nHTTP 200\n'))).toEqual({
      blocked: { passed: false, reason: `${NOT.blocked} ${what}` },
      refused: { passed: false, reason: `${NOT.refused} ${what}` },
      timeout: { passed: false, reason: `${NOT.timeout} ${what}` },
    });
  });
});

describe('fixture: curl could not resolve the name (exit 6)', () => {
  it('meets none of them: a failed lookup is neither refused nor timed out', () => {
    const what = 'the name did not resolve (curl exit 6), which is neither refused nor timed out';
    expect(verdicts('http', r(6, '', 'curl: (6) Could not resolve host: web\n'))).toEqual({
      blocked: { passed: false, reason: `${NOT.blocked} ${what}` },
      refused: { passed: false, reason: `${NOT.refused} ${what}` },
      timeout: { passed: false, reason: `${NOT.timeout} ${what}` },
    });
  });
});

describe('fixture: agnhost connect REFUSED', () => {
  it('meets blocked and refused; fails timeout', () => {
    const what = 'refused at once (agnhost connect printed REFUSED)';
    expect(verdicts('tcp', r(1, '', 'REFUSED\n'))).toEqual({
      blocked: { passed: true, reason: `blocked: ${what}` },
      refused: { passed: true, reason: what },
      timeout: { passed: false, reason: `${NOT.timeout} ${what}` },
    });
  });
});

describe('fixture: agnhost connect TIMEOUT', () => {
  it('meets blocked and timeout; fails refused', () => {
    const what = 'no answer within 5 s (agnhost connect printed TIMEOUT)';
    expect(verdicts('tcp', r(1, '', 'TIMEOUT\n'))).toEqual({
      blocked: { passed: true, reason: `blocked: ${what}` },
      refused: { passed: false, reason: `${NOT.refused} ${what}` },
      timeout: { passed: true, reason: what },
    });
  });
});

describe('fixture: agnhost connect accepted (exit 0)', () => {
  it('meets none of them', () => {
    const what = 'the connection was accepted';
    expect(verdicts('tcp', r(0))).toEqual({
      blocked: { passed: false, reason: `${NOT.blocked} ${what}` },
      refused: { passed: false, reason: `${NOT.refused} ${what}` },
      timeout: { passed: false, reason: `${NOT.timeout} ${what}` },
    });
  });
});

describe('fixture: agnhost connect could not look the name up', () => {
  it('meets none of them', () => {
    const what = 'agnhost connect failed otherwise: UNKNOWN: lookup web: no such host';
    expect(verdicts('tcp', r(1, '', 'UNKNOWN: lookup web: no such host\n'))).toEqual({
      blocked: { passed: false, reason: `${NOT.blocked} ${what}` },
      refused: { passed: false, reason: `${NOT.refused} ${what}` },
      timeout: { passed: false, reason: `${NOT.timeout} ${what}` },
    });
  });
});

describe('fixture: nslookup timed out (bind 9.18)', () => {
  const out = r(1, ';; communications error to 10.96.0.10#53: timed out\n;; communications error to 10.96.0.10#53: timed out\n;; no servers could be reached\n');
  it('meets blocked and timeout; fails refused', () => {
    const what = 'no answer within the timeout (nslookup: ;; communications error to 10.96.0.10#53: timed out)';
    expect(verdicts('dns', out)).toEqual({
      blocked: { passed: true, reason: `blocked: ${what}` },
      refused: { passed: false, reason: `${NOT.refused} ${what}` },
      timeout: { passed: true, reason: what },
    });
  });
});

describe('fixture: nslookup timed out (older bind, one line)', () => {
  it('meets timeout', () => {
    expect(verdicts('dns', r(1, ';; connection timed out; no servers could be reached\n')).timeout).toEqual({
      passed: true,
      reason: 'no answer within the timeout (nslookup: ;; connection timed out; no servers could be reached)',
    });
  });
});

describe('fixture: nslookup refused (ICMP port unreachable)', () => {
  const out = r(1, ';; communications error to 10.96.0.10#53: connection refused\n;; communications error to 10.96.0.10#53: connection refused\n;; no servers could be reached\n');
  it('meets blocked and refused; fails timeout although it also says "no servers could be reached"', () => {
    const what = 'refused at once (nslookup: ;; communications error to 10.96.0.10#53: connection refused)';
    expect(verdicts('dns', out)).toEqual({
      blocked: { passed: true, reason: `blocked: ${what}` },
      refused: { passed: true, reason: what },
      timeout: { passed: false, reason: `${NOT.timeout} ${what}` },
    });
  });
  it('the short form ";; connection refused" is refused too', () => {
    expect(verdicts('dns', r(1, ';; connection refused\n')).refused).toEqual({ passed: true, reason: 'refused at once (nslookup: ;; connection refused)' });
  });
});

describe('fixture: nslookup with one query refused and one timed out', () => {
  it('meets none of them: the outcome is not one thing', () => {
    const out = r(1, ';; communications error to 10.96.0.10#53: connection refused\n;; communications error to 10.96.0.10#53: timed out\n;; no servers could be reached\n');
    const what = 'some queries were refused and some timed out: ;; communications error to 10.96.0.10#53: connection refused';
    expect(verdicts('dns', out)).toEqual({
      blocked: { passed: false, reason: `${NOT.blocked} ${what}` },
      refused: { passed: false, reason: `${NOT.refused} ${what}` },
      timeout: { passed: false, reason: `${NOT.timeout} ${what}` },
    });
  });
});

describe('fixture: nslookup answered NXDOMAIN', () => {
  it('meets none of them: a server answered', () => {
    const what = "a DNS server answered: ** server can't find web.demo.svc.cluster.local: NXDOMAIN";
    expect(verdicts('dns', r(1, "** server can't find web.demo.svc.cluster.local: NXDOMAIN\n"))).toEqual({
      blocked: { passed: false, reason: `${NOT.blocked} ${what}` },
      refused: { passed: false, reason: `${NOT.refused} ${what}` },
      timeout: { passed: false, reason: `${NOT.timeout} ${what}` },
    });
  });
});

describe('tcp checks', () => {
  const open = c({ name: 'n', from: 'client', tcp: { host: 'web', port: 8080, expect: 'open' } });
  it('open needs exit 0', () => {
    expect(evaluate(open, r(0), 'ns')).toEqual({ passed: true, reason: 'connected' });
    expect(evaluate(open, r(1, '', 'TIMEOUT'), 'ns')).toEqual({ passed: false, reason: 'not connected: TIMEOUT' });
  });
});

describe('dns checks', () => {
  const a = c({ name: 'n', from: 'client', dns: { name: 'web', expect: 'resolves' } });
  const answer = 'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tweb.demo.svc.cluster.local\nAddress: 10.96.41.7\n';
  it('resolves needs a Name and an Address in the answer', () => {
    expect(evaluate(a, r(0, answer), 'demo').passed).toBe(true);
    expect(evaluate(a, r(0, 'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n'), 'demo').passed).toBe(false);
    expect(evaluate(a, r(1, '** server can\'t find web: NXDOMAIN\n'), 'demo').passed).toBe(false);
  });
  it('SRV needs a service = line and the wanted target', () => {
    const srv = c({ name: 'n', from: 'client', dns: { name: '_http._tcp.web.$NAMESPACE.svc.cluster.local', type: 'SRV', expect: 'resolves', answerContains: 'web-0.web.$NAMESPACE' } });
    const out = '_http._tcp.web.demo.svc.cluster.local\tservice = 0 50 8080 web-0.web.demo.svc.cluster.local.\n';
    expect(evaluate(srv, r(0, out), 'demo').passed).toBe(true);
    expect(evaluate(srv, r(0, out), 'other').passed).toBe(false);
  });
  it('nxdomain needs the server to say NXDOMAIN; a timeout is not that', () => {
    const nx = c({ name: 'n', from: 'client', dns: { name: 'nope', expect: 'nxdomain' } });
    const nxOut = r(1, "** server can't find nope.demo.svc.cluster.local: NXDOMAIN\n");
    const toOut = r(1, ';; connection timed out; no servers could be reached\n');
    expect(evaluate(nx, nxOut, 'demo')).toEqual({ passed: true, reason: 'NXDOMAIN' });
    expect(evaluate(nx, toOut, 'demo')).toEqual({ passed: false, reason: 'expected NXDOMAIN, got: ;; connection timed out; no servers could be reached' });
  });
});

describe('kubectl checks', () => {
  const k = c({ name: 'n', kubectl: { args: ['get', 'endpointslices', '-o', 'yaml'], expect: { outputContains: ['ready: true', '$NAMESPACE'] } } });
  it('needs the exit code and every substring', () => {
    expect(evaluate(k, r(0, 'namespace: demo\n  ready: true\n'), 'demo').passed).toBe(true);
    expect(evaluate(k, r(0, 'namespace: demo\n  ready: false\n'), 'demo').passed).toBe(false);
    expect(evaluate(k, r(1, '', 'error: the server doesn\'t have a resource type'), 'demo').passed).toBe(false);
  });
});
