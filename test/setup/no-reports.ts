/**
 * The report paths of the test build: files that never exist, so the site the
 * build and browser projects test is the same whether or not a cluster run
 * left reports/ behind. Pages with a report are tested on fixture builds
 * (test/build/recorded-output.test.ts, conformance-page.test.ts) and, with the
 * real report, by the release project.
 */
export const NO_REPORTS_ENV = {
  CLUSTER_REPORT: '.cache/test-build/no-cluster-report.json',
  CONFORMANCE_REPORT: '.cache/test-build/no-conformance-report.json',
} as const;
