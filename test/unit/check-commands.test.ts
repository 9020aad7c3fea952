/**
 * renderCheck: the commands the "Try it" list shows and the cluster runner
 * runs, from one check. Each check goes through the spec schema first, as the
 * loader does, so defaults (dns type A, kubectl exit code 0) are filled in.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { expectation, PROBE_TIMEOUT_SECONDS, renderCheck, shellQuote, substituteNamespace } from '../../src/lib/checks/commands.ts';
import { check, exampleSpec, failureExpected, type Check } from '../../src/lib/examples/spec.ts';

const parse = (c: unknown): Check => check.parse(c);
const render = (c: unknown, ns = 'demo') => renderCheck(parse(c), ns);

/** What a POSIX shell makes of a command line: its words, split by /bin/sh itself. */
function shellWords(command: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${command}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('http checks', () => {
  const r = render({
    name: 'the client reaches the Service by name',
    from: 'client',
    http: { url: 'http://web.$NAMESPACE.svc:8080/echo?msg=hi', headers: { Host: 'app.$NAMESPACE.example.test' }, expect: { status: 200, bodyContains: 'hi from $NAMESPACE' } },
  });

  test('curl through kubectl exec, with the timeout, status line, headers and URL', () => {
    expect(r.argv).toEqual([
      'kubectl', 'exec', '-n', 'demo', 'client', '--',
      'curl', '-sS', '--max-time', String(PROBE_TIMEOUT_SECONDS), '-w', '\\nHTTP %{http_code}\\n',
      '-H', 'Host: app.demo.example.test',
      'http://web.demo.svc:8080/echo?msg=hi',
    ]);
    expect(r.command).toBe(
      "kubectl exec -n demo client -- curl -sS --max-time 5 -w '\\nHTTP %{http_code}\\n' -H 'Host: app.demo.example.test' 'http://web.demo.svc:8080/echo?msg=hi'",
    );
  });

  test('expected output names the status and the body text, with $NAMESPACE substituted', () => {
    expect(r.expected).toBe('last line "HTTP 200", and the body contains "hi from demo"');
    expect(r.mustBeBlocked).toBe(false);
    expect(r.name).toBe('the client reaches the Service by name');
  });

  test('a blocked HTTP check, from a workload and a named container', () => {
    const b = render({ name: 'refused', from: 'deploy/stranger', container: 'probe', http: { url: 'http://web:8080/', expect: 'blocked' } });
    expect(b.argv.slice(0, 8)).toEqual(['kubectl', 'exec', '-n', 'demo', 'deploy/stranger', '-c', 'probe', '--']);
    expect(b.command).toBe("kubectl exec -n demo deploy/stranger -c probe -- curl -sS --max-time 5 -w '\\nHTTP %{http_code}\\n' http://web:8080/");
    expect(b.mustBeBlocked).toBe(true);
    expect(b.expected).toBe('no response: curl exits 7 (refused at once) or 28 (timed out) within 5 s; either counts');
    expect(b.expectation).toEqual({ failure: 'blocked', label: 'blocked (refused or times out)', mustFail: 'must be blocked: refused or timed out, either counts', text: b.expected });
  });

  test('refused and timeout say which, and the same command runs', () => {
    const refused = render({ name: 'r', from: 'client', http: { url: 'http://web:8080/', expect: 'refused' } });
    const timeout = render({ name: 't', from: 'client', http: { url: 'http://web:8080/', expect: 'timeout' } });
    expect(refused.expectation).toEqual({
      failure: 'refused',
      label: 'refused',
      mustFail: 'must be refused',
      text: 'refused at once: curl exits 7 ("Connection refused" or "Couldn\'t connect to server")',
    });
    expect(timeout.expectation).toEqual({ failure: 'timeout', label: 'times out', mustFail: 'must time out', text: 'no answer: curl exits 28 ("timed out") after 5 s' });
    expect(refused.expected).toBe(refused.expectation.text);
    expect([refused.mustBeBlocked, timeout.mustBeBlocked]).toEqual([true, true]);
    expect(refused.argv.slice(6)).toEqual(timeout.argv.slice(6));
  });

  test('a status expectation is labelled with its status and marks nothing', () => {
    expect(r.expectation).toEqual({ failure: undefined, label: 'HTTP 200', text: 'last line "HTTP 200", and the body contains "hi from demo"' });
  });
});

describe('tcp checks', () => {
  test('open: agnhost connect with the timeout', () => {
    const r = render({ name: 'open', from: 'client', tcp: { host: 'web.$NAMESPACE', port: 8080, expect: 'open' } });
    expect(r.command).toBe('kubectl exec -n demo client -- /agnhost connect --timeout=5s web.demo:8080');
    expect(r.expected).toBe('exits 0 with no output: the connection was accepted');
    expect(r.mustBeBlocked).toBe(false);
  });

  test('blocked', () => {
    const r = render({ name: 'blocked', from: 'client', tcp: { host: 'web', port: 9999, expect: 'blocked' } });
    expect(r.command).toBe('kubectl exec -n demo client -- /agnhost connect --timeout=5s web:9999');
    expect(r.expected).toBe('prints TIMEOUT or REFUSED and exits 1: the connection was not accepted within 5 s');
    expect(r.mustBeBlocked).toBe(true);
    expect(r.expectation.label).toBe('blocked (refused or times out)');
  });

  test('refused and timeout', () => {
    const refused = render({ name: 'r', from: 'client', tcp: { host: 'web', port: 9999, expect: 'refused' } });
    const timeout = render({ name: 't', from: 'client', tcp: { host: 'web', port: 9999, expect: 'timeout' } });
    expect(refused.expectation).toEqual({ failure: 'refused', label: 'refused', mustFail: 'must be refused', text: 'prints REFUSED and exits 1: the connection is refused at once' });
    expect(timeout.expectation).toEqual({ failure: 'timeout', label: 'times out', mustFail: 'must time out', text: 'prints TIMEOUT and exits 1: nothing answers within 5 s' });
    expect(refused.command).toBe('kubectl exec -n demo client -- /agnhost connect --timeout=5s web:9999');
  });

  test('open is labelled "connects"', () => {
    expect(render({ name: 'o', from: 'client', tcp: { host: 'web', port: 1, expect: 'open' } }).expectation).toEqual({
      failure: undefined,
      label: 'connects',
      text: 'exits 0 with no output: the connection was accepted',
    });
  });
});

describe('dns checks', () => {
  test('an A lookup (the default type) adds no -type flag', () => {
    const r = render({ name: 'resolves', from: 'client', dns: { name: 'web.$NAMESPACE.svc.cluster.local', expect: 'resolves' } });
    expect(r.argv).toEqual(['kubectl', 'exec', '-n', 'demo', 'client', '--', 'nslookup', 'web.demo.svc.cluster.local']);
    expect(r.expected).toBe('answers with an A record');
  });

  test('an SRV lookup with an expected answer', () => {
    const r = render({ name: 'srv', from: 'client', dns: { name: '_http._tcp.web.$NAMESPACE.svc.cluster.local', type: 'SRV', expect: 'resolves', answerContains: 'web.$NAMESPACE' } });
    expect(r.command).toBe('kubectl exec -n demo client -- nslookup -type=SRV _http._tcp.web.demo.svc.cluster.local');
    expect(r.expected).toBe('answers with an SRV record containing "web.demo"');
  });

  test('nxdomain', () => {
    const r = render({ name: 'gone', from: 'client', dns: { name: 'nope', type: 'AAAA', expect: 'nxdomain' } });
    expect(r.command).toBe('kubectl exec -n demo client -- nslookup -type=AAAA nope');
    expect(r.expected).toBe('fails with NXDOMAIN: the name does not exist');
    expect(r.mustBeBlocked).toBe(false);
    expect(r.expectation.label).toBe('NXDOMAIN');
  });

  test('blocked, refused and timeout: the DNS server does not answer, each in its own words', () => {
    const words = (e: string) => render({ name: 'b', from: 'client', dns: { name: 'web.$NAMESPACE.svc.cluster.local.', expect: e } }).expectation;
    expect(words('blocked')).toEqual({
      failure: 'blocked',
      label: 'blocked (refused or times out)',
      mustFail: 'must be blocked: refused or timed out, either counts',
      text: 'fails with "no servers could be reached" (refused or timed out): no DNS server answers',
    });
    expect(words('refused')).toEqual({ failure: 'refused', label: 'refused', mustFail: 'must be refused', text: 'fails with "connection refused": the DNS server\'s address rejects the query at once' });
    expect(words('timeout')).toEqual({
      failure: 'timeout',
      label: 'times out',
      mustFail: 'must time out',
      text: 'fails with "timed out" and "no servers could be reached": no DNS server answers within the timeout',
    });
  });
});

describe('kubectl checks', () => {
  test('runs in the namespace, with $NAMESPACE substituted in args and expected output', () => {
    const r = render({
      name: 'the EndpointSlice lists both pods',
      kubectl: { args: ['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'jsonpath={.items[*].endpoints[*].addresses}'], expect: { outputContains: ['10.', '$NAMESPACE'] } },
    });
    expect(r.argv).toEqual(['kubectl', '-n', 'demo', 'get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'jsonpath={.items[*].endpoints[*].addresses}']);
    expect(r.command).toBe("kubectl -n demo get endpointslices -l kubernetes.io/service-name=web -o 'jsonpath={.items[*].endpoints[*].addresses}'");
    expect(r.expected).toBe('succeeds and the output contains "10.", "demo"');
    expect(r.mustBeBlocked).toBe(false);
  });

  test('defaults: exit code 0, no output required', () => {
    const r = render({ name: 'describe', kubectl: { args: ['describe', 'service', 'web'] } }, 'ns-2');
    expect(r.command).toBe('kubectl -n ns-2 describe service web');
    expect(r.expected).toBe('succeeds');
  });

  test('a non-zero exit code is said', () => {
    const r = render({ name: 'denied', kubectl: { args: ['auth', 'can-i', 'delete', 'pods'], expect: { exitCode: 1, outputContains: ['no'] } } });
    expect(r.expected).toBe('exits 1 and the output contains "no"');
    expect(r.expectation.label).toBe('exits 1');
  });

  test('expectation() is what renderCheck shows, for every probe kind', () => {
    const checks = [
      { name: 'k', kubectl: { args: ['get', 'pods'] } },
      { name: 'h', from: 'client', http: { url: 'http://web/', expect: 'timeout' } },
      { name: 't', from: 'client', tcp: { host: 'web', port: 1, expect: 'refused' } },
      { name: 'd', from: 'client', dns: { name: 'web', expect: 'resolves' } },
    ];
    for (const c of checks) expect(render(c).expectation, c.name).toEqual(expectation(parse(c), 'demo'));
  });

  test('the spec accepts only read-only verbs', () => {
    expect(check.safeParse({ name: 'x', kubectl: { args: ['delete', 'pod', 'web'] } }).success).toBe(false);
  });
});

describe('shell quoting', () => {
  test('plain words stay bare', () => {
    for (const w of ['kubectl', '-n', 'web.demo:8080', '--timeout=5s', 'http://web:8080/hostname', 'a,b', 'user@host', '50%']) expect(shellQuote(w)).toBe(w);
  });

  test('words with shell metacharacters are single-quoted', () => {
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote('$HOME')).toBe("'$HOME'");
    expect(shellQuote('x?y')).toBe("'x?y'");
    expect(shellQuote('')).toBe("''");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });

  test('/bin/sh splits every rendered command back into exactly its argv', () => {
    const checks = [
      { name: 'h', from: 'client', http: { url: 'http://web:8080/echo?msg=$NAMESPACE&x=1', headers: { Host: "it's.example.test", 'X-A': 'a "b" `c` $(d) \\e' }, expect: { status: 200 } } },
      { name: 'k', kubectl: { args: ['get', 'pods', '-o', "jsonpath={range .items[*]}{.metadata.name}{'\\n'}{end}"] } },
      { name: 'd', from: 'client', dns: { name: 'web', expect: 'resolves' } },
    ];
    for (const c of checks) {
      const r = render(c);
      expect(shellWords(r.command)).toEqual(r.argv);
    }
  });
});

describe('$NAMESPACE substitution', () => {
  test('replaces every occurrence and nothing else', () => {
    expect(substituteNamespace('$NAMESPACE.$NAMESPACE $NAMESPACES ${NAMESPACE}', 'ns')).toBe('ns.ns nsS ${NAMESPACE}');
  });

  test('the namespace is the one passed in, for every probe kind', () => {
    const c = { name: 'h', from: 'client', http: { url: 'http://web.$NAMESPACE.svc:8080/', expect: { status: 200 } } };
    expect(render(c, 'one').argv).toContain('http://web.one.svc:8080/');
    expect(render(c, 'two').argv).toContain('http://web.two.svc:8080/');
    expect(render(c, 'two').argv.slice(0, 4)).toEqual(['kubectl', 'exec', '-n', 'two']);
  });
});

describe('the spec: how a connection must fail', () => {
  const base = { title: 't', summary: 's', manifests: ['a.yaml'], requires: ['networkpolicy'] };
  const tcp = (e: string) => ({ name: e, from: 'client', tcp: { host: 'web', port: 8080, expect: e } });

  test('failureExpected reads blocked, refused and timeout from every probe kind, and nothing else', () => {
    expect(failureExpected(parse({ name: 'h', from: 'c', http: { url: 'http://web/', expect: 'timeout' } }))).toBe('timeout');
    expect(failureExpected(parse(tcp('refused')))).toBe('refused');
    expect(failureExpected(parse({ name: 'd', from: 'c', dns: { name: 'web', expect: 'blocked' } }))).toBe('blocked');
    expect(failureExpected(parse(tcp('open')))).toBeUndefined();
    expect(failureExpected(parse({ name: 'd', from: 'c', dns: { name: 'web', expect: 'nxdomain' } }))).toBeUndefined();
    expect(failureExpected(parse({ name: 'h', from: 'c', http: { url: 'http://web/', expect: { status: 200 } } }))).toBeUndefined();
  });

  test('an expectation outside the list is rejected', () => {
    expect(check.safeParse(tcp('dropped')).success).toBe(false);
    expect(check.safeParse({ name: 'd', from: 'c', dns: { name: 'web', expect: 'refuses' } }).success).toBe(false);
  });

  test('a NetworkPolicy example needs a check that must fail, and refused or timeout counts', () => {
    expect(exampleSpec.safeParse({ ...base, checks: [tcp('timeout')] }).success).toBe(true);
    expect(exampleSpec.safeParse({ ...base, checks: [tcp('refused')] }).success).toBe(true);
    const r = exampleSpec.safeParse({ ...base, checks: [tcp('open')] });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message)).toEqual([
      'a NetworkPolicy example needs at least one check that expects blocked, refused or timeout (a CNI that ignores policy fails open)',
    ]);
  });
});
