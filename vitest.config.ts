import { defineConfig } from 'vitest/config';
import { NO_REPORTS_ENV } from './test/setup/no-reports.ts';

// Three projects, fastest first. `npm test` runs all of them; the build project
// builds the site once (test/setup/build-site.ts) and the browser project
// reuses that dist/.
//
// A fourth, `release`, checks the site `npm run site:release` built with a
// fresh cluster report (every example verified). It needs that report, so it
// exists only when RELEASE_TESTS=1 (npm run test:release sets it) and is never
// part of `npm test`.
const release = process.env.RELEASE_TESTS === '1'
  ? [
      {
        test: {
          name: 'release',
          include: ['test/release/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ]
  : [];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/validator/**/*.test.ts', 'test/content/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'build',
          include: ['test/build/**/*.test.ts'],
          globalSetup: ['test/setup/build-site.ts'],
          env: NO_REPORTS_ENV,
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/setup/build-site.ts'],
          env: NO_REPORTS_ENV,
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      ...release,
    ],
  },
});
