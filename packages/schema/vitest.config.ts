import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['@sparkify/testkit/global-setup'],
    // s3rver (the real S3 API in tests) signs listing continuation tokens with DES, which OpenSSL 3 only
    // offers through its legacy provider; without it every listing past 1,000 objects fails with HTTP 500.
    execArgv: ['--openssl-legacy-provider'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
