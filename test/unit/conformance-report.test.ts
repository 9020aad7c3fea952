import { describe, expect, it } from 'vitest';
import { conformanceReport, specText, summariseCyclonusJunit, summariseGinkgo, summaryLine } from '../../src/lib/conformance/report.ts';
import { E2E_SUITES, skipExpression } from '../../src/lib/conformance/suites.ts';

/** A Ginkgo v2 JSON report as e2e.test writes it, cut down to the fields read. */
const spec = (leaf: string, State: string, extra: Record<string, unknown> = {}) => ({
  ContainerHierarchyTexts: ['[sig-network] Netpol', 'NetworkPolicy between server and client'],
  LeafNodeText: leaf,
  LeafNodeType: 'It',
  State,
  RunTime: 2_000_000_000,
  ...extra,
});
const report = [
  {
    RunTime: 30_000_000_000,
    SpecReports: [
      { LeafNodeType: 'SynchronizedBeforeSuite', LeafNodeText: '', State: 'passed', RunTime: 1 },
      spec('should support a default-deny-ingress policy', 'passed'),
      spec('should enforce policy to allow traffic only from a pod in a different namespace', 'failed', {
        Failure: { Message: 'probe matrix differs\nexpected ...' },
      }),
      spec('should support allow-all policy [Feature:SCTP]', 'skipped'),
      spec('should work with Ingress, Egress specified together', 'skipped', { Failure: { Message: 'Only supported for providers [gce]' } }),
      { ...spec('Services should serve a basic endpoint', 'passed'), ContainerHierarchyTexts: ['[sig-network] Services'] },
    ],
  },
];
const focus = '\\[sig-network\\] Netpol';
const skips = [{ pattern: 'SCTP', reason: 'no SCTP in this kernel' }];

describe('summariseGinkgo on a netpol report', () => {
  const s = summariseGinkgo(report, focus, skips);

  it('counts only focused It specs as passed', () => {
    expect(s.passed).toEqual(['[sig-network] Netpol NetworkPolicy between server and client should support a default-deny-ingress policy']);
  });

  it('keeps the first line of a failure with its state', () => {
    expect(s.failed).toEqual([
      {
        name: '[sig-network] Netpol NetworkPolicy between server and client should enforce policy to allow traffic only from a pod in a different namespace',
        message: 'failed: probe matrix differs',
      },
    ]);
  });

  it('gives our reason for a skip rule and the test\'s own message otherwise', () => {
    expect(s.skipped.map((k) => k.reason)).toEqual(['no SCTP in this kernel', 'Only supported for providers [gce]']);
  });

  it('takes the duration from the report', () => {
    expect(s.durationSeconds).toBe(30);
    expect(summaryLine({ id: 'netpol', title: '', tool: '', selection: '', ...s })).toBe('netpol  1 passed, 1 failed, 2 skipped (30 s)');
  });

  it('rejects something that is not a Ginkgo report', () => {
    expect(() => summariseGinkgo({ not: 'a report' }, focus, skips)).toThrow(/expected array/);
  });
});

describe('suites', () => {
  it('every suite has a focus that compiles and a reason for each skip', () => {
    for (const s of E2E_SUITES) {
      expect(() => new RegExp(s.focus)).not.toThrow();
      for (const k of s.skips) expect(k.reason.length).toBeGreaterThan(10);
      expect(() => new RegExp(skipExpression(s))).not.toThrow();
    }
  });

  it('specText joins containers and leaf as Ginkgo matches them', () => {
    expect(specText({ ContainerHierarchyTexts: ['a', 'b'], LeafNodeText: 'c' })).toBe('a b c');
    expect(specText({ ContainerHierarchyTexts: null, LeafNodeText: 'c' })).toBe('c');
  });

  it('the report schema accepts a summary and refuses a wrong scope', () => {
    const base = { schemaVersion: 1, generatedAt: 'x', kubernetesVersion: 'v1', cni: 'c', kubeProxyMode: 'nftables', suites: [] };
    expect(conformanceReport.parse({ ...base, scope: 'ci' }).scope).toBe('ci');
    expect(conformanceReport.safeParse({ ...base, scope: 'some' }).error?.issues.map((i) => i.path.join('.'))).toEqual(['scope']);
  });
});

describe('summariseCyclonusJunit on a cyclonus JUnit file', () => {
  const xml = `<testsuite tests="3" failures="1" time="" name="cyclonus">
    <properties></properties>
    <testcase classname="" name="ingress: named port &amp; ipBlock peer" time=""></testcase>
    <testcase classname="" name="egress: deny all" time="">
        <failure message="" type=""></failure>
    </testcase>
    <testcase classname="" name="set pod labels &quot;a&quot;" time=""/>
</testsuite>`;

  it('lists passed and failed cases by name, unescaped', () => {
    const s = summariseCyclonusJunit(xml);
    expect(s.passed).toEqual(['ingress: named port & ipBlock peer', 'set pod labels "a"']);
    expect(s.failed.map((f) => f.name)).toEqual(['egress: deny all']);
  });

  it('refuses a file that is not JUnit', () => {
    expect(() => summariseCyclonusJunit('<html></html>')).toThrow(/no <testsuite>/);
  });
});
