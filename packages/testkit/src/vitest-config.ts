import type { ViteUserConfig } from 'vitest/config';

/** The test settings every package shares: one real PostgreSQL per run, s3rver-ready workers, generous timeouts. */
export const testConfig = {
  include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  globalSetup: ['@sparkify/testkit/global-setup'],
  // s3rver (the real S3 API in tests) signs listing continuation tokens with DES, which OpenSSL 3 only
  // offers through its legacy provider; without it every listing past 1,000 objects fails with HTTP 500.
  execArgv: ['--openssl-legacy-provider'],
  testTimeout: 60_000,
  hookTimeout: 60_000,
} satisfies NonNullable<ViteUserConfig['test']>;
