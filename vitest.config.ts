import { defineConfig } from 'vitest/config';

/**
 * `npm test` runs every project: unit tests, and integration and end-to-end
 * tests against the real local components (DynamoDB Local, moto_server, the
 * synthesized state machine). Test files name their kind:
 * `*.test.ts` (unit), `*.int.test.ts` (integration), `*.e2e.test.ts` (end to end).
 */
export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    setupFiles: ['test/setup.ts'],
    env: {
      CDK_VALIDATION: 'false',
      AWS_REGION: 'us-east-1',
      NODE_NO_WARNINGS: '1',
      AWS_ACCESS_KEY_ID: 'bakehouse',
      AWS_SECRET_ACCESS_KEY: 'bakehouse',
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.int.test.ts', 'test/**/*.e2e.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: ['test/**/*.int.test.ts', 'test/**/*.e2e.test.ts'],
          globalSetup: ['test/global-setup.ts'],
        },
      },
    ],
  },
});
