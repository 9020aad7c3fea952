import { describe, expect, it } from 'vitest';
import { AGNHOST_IMAGE } from '../../src/lib/pins.ts';
import { formatProblem, type Problem } from '../../src/lib/problems.ts';
import { loadSchemaBundle } from '../../src/lib/validator/schema-cache.ts';
import { ManifestValidator } from '../../src/lib/validator/validate.ts';

const validator = new ManifestValidator(loadSchemaBundle());

function check(yaml: string): Problem[] {
  return validator.validateUnit({ name: 't', files: [{ file: 't.yaml', text: yaml }] }).problems;
}
const rules = (yaml: string) => check(yaml).map((p) => `${p.line}:${p.column} ${p.rule}`);

const POD = (containerExtra: string, podExtra = '') => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:${podExtra}
  securityContext:
    runAsNonRoot: true
    runAsUser: 65534
    seccompProfile: { type: RuntimeDefault }
  containers:
    - name: c
      image: ${AGNHOST_IMAGE}
      securityContext:
        allowPrivilegeEscalation: false
        capabilities: { drop: [ALL] }
${containerExtra}`;

describe('schema validation', () => {
  it('accepts a clean pod', () => {
    expect(check(POD('')).map(formatProblem)).toEqual([]);
  });

  it('accepts null as "unset" (as the API server does) but not for a required field', () => {
    expect(rules(POD('      ports: null\n', '\n  nodeSelector: null'))).toEqual([]);
    expect(rules('apiVersion: v1\nkind: Service\nmetadata: { name: s, creationTimestamp: null }\nspec:\n  ports:\n    - port: null\n')).toEqual(['6:7 schema-required']);
  });

  it('reads YAML 1.1 like Kubernetes: yes/on are booleans, timestamps stay strings', () => {
    expect(rules('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata:\n  enabled: yes\n  date: 2024-01-01\n')).toEqual(['5:12 schema-type']);
  });

  it('int-or-string, quantities, int32 range', () => {
    expect(rules(POD('      resources: { requests: { cpu: 0.5, memory: 64Mi }, limits: { memory: "1.5Gi" } }\n'))).toEqual([]);
    expect(rules(POD('      resources: { requests: { cpu: 100mcores } }\n'))).toEqual(['16:37 schema-format']);
    expect(rules(POD('      readinessProbe: { httpGet: { port: 8080.5 } }\n'))).toEqual(['16:42 schema-type']);
    expect(rules(POD('      readinessProbe: { periodSeconds: 3000000000, tcpSocket: { port: 80 } }\n'))).toEqual(['16:40 schema-format']);
  });

  it('keyed lists: Service ports collide on port+protocol, protocol defaulting to TCP', () => {
    const svc = (p2: string) => `apiVersion: v1\nkind: Service\nmetadata: { name: s }\nspec:\n  ports:\n    - { name: a, port: 80 }\n    - { name: b, port: 80${p2} }\n`;
    expect(rules(svc(', protocol: TCP'))).toEqual(['7:7 schema-duplicate-entry']);
    expect(rules(svc(', protocol: UDP'))).toEqual([]);
  });

  it('Gateway API: pattern, enum and oneOf from the CRD schema', () => {
    const gw = (addr: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: c }
spec: { controllerName: example.com/x }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: g }
spec:
  gatewayClassName: c
  addresses: [${addr}]
  listeners: [{ name: web, protocol: HTTP, port: 80 }]
`;
    expect(rules(gw('{ type: IPAddress, value: 192.0.2.1 }'))).toEqual([]);
    expect(rules(gw('{ type: IPAddress, value: not-an-ip }'))).toContain('11:15 schema-constraint');
  });

  it('reports an unknown field at its key, with a suggestion', () => {
    const p = check(POD('      imagePulPolicy: Always\n'));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ line: 16, column: 7, rule: 'schema-unknown-field' });
    expect(p[0]!.hint).toBe('did you mean "imagePullPolicy"?');
  });

  it('Pod Security baseline: the safe sysctls of the pinned release (1.37 added two), nothing else', () => {
    const sysctls = (...names: string[]) => `\n  securityContext:\n    sysctls:\n${names.map((n) => `      - { name: ${n}, value: "1" }\n`).join('')}`;
    const pod = (names: string[]) => POD('').replace('\n  securityContext:\n', sysctls(...names).replace(/\n$/, '\n'));
    expect(rules(pod(['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat', 'net.ipv4.tcp_rmem']))).toEqual([]);
    expect(check(pod(['net.core.somaxconn'])).map((p) => p.message)).toEqual([expect.stringContaining('sysctl net.core.somaxconn is not in the safe set')]);
  });

  it('expands kind: List items', () => {
    const r = validator.validateUnit({
      name: 't',
      files: [{ file: 't.yaml', text: 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: { name: a }\n    data: { x: 1 }\n' }],
    });
    expect(r.resources).toBe(1);
    expect(r.problems.map((p) => `${p.line}:${p.column} ${p.rule}`)).toEqual(['7:16 schema-type']);
  });
});
