import { defineConfig } from 'vitest/config';

// No database or S3 here: the infra tests synthesize templates and answer CloudFormation in-process.
export default defineConfig({
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 },
});
