import { defineConfig } from 'vitest/config';
import { testConfig } from '@sparkify/testkit/vitest-config';

export default defineConfig({ test: { ...testConfig, include: ['src/**/*.test.ts'] } });
