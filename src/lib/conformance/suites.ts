/**
 * The upstream suites run against the project's cluster, each with the specs
 * it leaves out and why. One place, read by scripts/test-conformance.ts and
 * shown on the conformance page.
 */
import type { SkipRule } from './report.ts';

export interface E2eSuite {
  id: string;
  title: string;
  /** Ginkgo focus expression (a regular expression over the spec text). */
  focus: string;
  /** Specs inside the focus that are left out, each with its reason. */
  skips: SkipRule[];
  /** Part of the subset `.ci/run` runs (`npm run test:conformance -- --ci`). */
  inCi: boolean;
}

/** The kernel of these machines is built without SCTP (CONFIG_IP_SCTP is not set). */
const NO_SCTP: SkipRule = { pattern: 'SCTP', reason: 'the kernel of these machines has no SCTP support (CONFIG_IP_SCTP is not set)' };

export const E2E_SUITES: E2eSuite[] = [
  {
    id: 'netpol',
    title: 'Kubernetes [sig-network] Netpol e2e suite: NetworkPolicy semantics, enforced by the cluster\'s CNI (kindnet-lite)',
    focus: '\\[sig-network\\] Netpol',
    skips: [NO_SCTP],
    inCi: true,
  },
];

/** Ginkgo's --ginkgo.skip expression for a suite's skip rules ('' when none). */
export function skipExpression(s: E2eSuite): string {
  return s.skips.map((k) => k.pattern).join('|');
}
