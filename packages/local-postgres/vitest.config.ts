import { defineConfig } from 'vitest/config';

// No shared PostgreSQL here: the test kit depends on this package, so its global setup cannot be used.
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 },
});
