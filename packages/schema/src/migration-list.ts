import type { Migration } from './migration.js';
import { stagingTables } from './migrations/0001-staging-tables.js';
import { starSchema } from './migrations/0002-star-schema.js';
import { loadLedger } from './migrations/0003-load-ledger.js';
import { checkResults } from './migrations/0004-check-results.js';
import { songKeys } from './migrations/0005-song-keys.js';
import { loadObservations } from './migrations/0006-load-observations.js';
import { lockHolderIdentity } from './migrations/0007-lock-holder-identity.js';
import { eventIdentity } from './migrations/0008-event-identity.js';
import { stagingDocuments } from './migrations/0009-staging-documents.js';

/** Every migration, oldest first. Append new ones; never edit one that has been released. */
export const migrations: readonly Migration[] = [
  stagingTables,
  starSchema,
  loadLedger,
  checkResults,
  songKeys,
  loadObservations,
  lockHolderIdentity,
  eventIdentity,
  stagingDocuments,
];
