/**
 * The upstream suites run against the project's cluster, each with the specs
 * it leaves out and why. One place, read by scripts/test-conformance.ts and
 * shown on the conformance page.
 */
import type { SkipRule } from './report.ts';

export interface E2eSuite {
  kind: 'e2e';
  id: string;
  title: string;
  /** Ginkgo focus expression (a regular expression over the spec text). */
  focus: string;
  /** Specs inside the focus that are left out, each with its reason. */
  skips: SkipRule[];
  /** Part of the subset `.ci/run` runs (`npm run test:conformance -- --ci`). */
  inCi: boolean;
  /** Needs the conformance-only images of scripts/cluster/build-test-images.sh loaded first. */
  needsTestImages?: boolean;
}

/** The kernel of these machines is built without SCTP (CONFIG_IP_SCTP is not set). */
const NO_SCTP: SkipRule = { pattern: 'SCTP', reason: 'the kernel of these machines has no SCTP support (CONFIG_IP_SCTP is not set)' };

export const E2E_SUITES: E2eSuite[] = [
  {
    kind: 'e2e',
    id: 'netpol',
    title: 'Kubernetes [sig-network] Netpol e2e suite: NetworkPolicy semantics, enforced by the cluster\'s CNI (kindnet-lite)',
    focus: '\\[sig-network\\] Netpol',
    skips: [NO_SCTP],
    inCi: true,
  },
  {
    kind: 'e2e',
    id: 'sig-network-conformance',
    title: 'Kubernetes [sig-network] [Conformance] tests: Services, DNS, EndpointSlices, proxy, host ports',
    focus: '\\[sig-network\\].*\\[Conformance\\]',
    skips: [
      NO_SCTP,
      {
        pattern: 'should create Endpoints for Pods matching a Service|should create Endpoints and EndpointSlices for Pods matching a Service',
        reason: 'runs the e2e nginx image (nginx:1.27-alpine upstream), which the project does not build',
      },
    ],
    /** Needs the glibc-dns-testing image (scripts/cluster/build-test-images.sh). */
    needsTestImages: true,
    inCi: false,
  },
];

/** Ginkgo's --ginkgo.skip expression for a suite's skip rules ('' when none). */
export function skipExpression(s: E2eSuite): string {
  return s.skips.map((k) => k.pattern).join('|');
}

/**
 * cyclonus generates NetworkPolicy cases (policies, pod and namespace label
 * changes), probes every pod pair on every port and protocol, and compares the
 * matrix with the API's semantics. Its full set (about 110 cases) takes some
 * two hours on these 2-core machines, so the suite runs the cases tagged with
 * the two features kindnet-lite got wrong before (ipBlock peers, named ports).
 */
export interface CyclonusSuite {
  kind: 'cyclonus';
  id: string;
  title: string;
  /** Arguments after `cyclonus generate`, besides the kubeconfig and output file. */
  args: string[];
  inCi: boolean;
}

/**
 * The probe image cyclonus v0.5.6 asks for (pkg/connectivity/probe/pod.go
 * hard-codes this tag). The runner gives the pinned agnhost that name on
 * every node before cyclonus starts.
 */
export const CYCLONUS_AGNHOST_IMAGE = 'registry.k8s.io/e2e-test-images/agnhost:2.43';


export const CYCLONUS_SUITE: CyclonusSuite = {
  kind: 'cyclonus',
  id: 'cyclonus',
  title: 'cyclonus generated NetworkPolicy cases with ipBlock peers and named ports, TCP and UDP',
  args: [
    '--server-protocol=TCP,UDP', // no SCTP in this kernel
    '--include=peer-ipblock,named-port',
    // its generated cases name namespaces x, y, z and pods a, b, c, so other
    // names (--namespace, --pod) fail with "unable to find pod z/c"
    '--cleanup-namespaces',
  ],
  inCi: false,
};

export type Suite = E2eSuite | CyclonusSuite;
export const SUITES: Suite[] = [...E2E_SUITES, CYCLONUS_SUITE];
