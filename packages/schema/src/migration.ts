import { createHash } from 'node:crypto';

/** The two SQL targets: the embedded/any PostgreSQL, and Amazon Redshift. */
export type Dialect = 'postgres' | 'redshift';

export const dialects: readonly Dialect[] = ['postgres', 'redshift'];

/**
 * A versioned migration: frozen SQL per dialect, so that what ran can be checksummed and printed without a
 * connection. Every `down` reverses its `up`.
 */
export interface Migration {
  name: string;
  up: Record<Dialect, readonly string[]>;
  down: Record<Dialect, readonly string[]>;
}

/** The SHA-256 of everything a migration would run on one dialect, up and down. */
export function migrationChecksum(migration: Migration, dialect: Dialect): string {
  const text = JSON.stringify({ up: migration.up[dialect], down: migration.down[dialect] });
  return createHash('sha256').update(text).digest('hex');
}
