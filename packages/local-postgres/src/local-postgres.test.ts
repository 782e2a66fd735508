import { describe, expect, it } from 'vitest';
import { importEmbeddedPostgres } from './local-postgres.js';

const events = ['beforeExit', 'exit', 'SIGINT', 'SIGTERM'] as const;

describe('importEmbeddedPostgres', () => {
  it('leaves no exit hook behind (its beforeExit handler would turn every exit code into 0)', async () => {
    const before = events.map((event) => process.listenerCount(event));
    const EmbeddedPostgres = await importEmbeddedPostgres();
    expect(typeof EmbeddedPostgres).toBe('function');
    expect(events.map((event) => process.listenerCount(event))).toEqual(before);
  });
});
