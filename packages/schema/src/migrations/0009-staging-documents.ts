import type { Migration } from '../migration.js';

/**
 * Where records wait to be validated in the warehouse (issue #10): each source record whole, as a document.
 *
 * On Redshift nothing passes through this process: COPY loads what it parses, and a typed COPY would either
 * reject a bad value with its own less precise error or, worse, accept what the JSON Schemas refuse (a `level`
 * of "PAID", a negative `length`). So COPY loads each record whole into `staging_<dataset>_raw`, one SUPER
 * column (`FORMAT JSON 'noshred'`; the documented form is a table with a single SUPER column:
 * https://docs.aws.amazon.com/redshift/latest/dg/copy_json.html), the rows are moved to
 * `staging_<dataset>_docs` with their object's id, and the validation pass (generated from the JSON Schemas)
 * rejects what breaks a rule and shreds the rest into the typed staging tables the transform reads.
 *
 * On PostgreSQL the loader validates while it streams, before COPY; the documents table exists there too (JSONB)
 * so that the very same pass runs for real in tests, which prove it agrees with the JSON Schemas record by record.
 */
const documentsTable = (dataset: 'events' | 'songs', type: 'JSONB' | 'SUPER') =>
  `CREATE ${type === 'JSONB' ? 'UNLOGGED ' : ''}TABLE staging_${dataset}_docs (
  object_id INTEGER NOT NULL,
  doc       ${type}
)${type === 'SUPER' ? '\nBACKUP NO DISTSTYLE EVEN' : ''}`;

const rawTable = (dataset: 'events' | 'songs') => `CREATE TABLE staging_${dataset}_raw (
  doc SUPER
)
BACKUP NO DISTSTYLE EVEN`;

export const stagingDocuments: Migration = {
  name: '0009_staging_documents',
  up: {
    postgres: [documentsTable('events', 'JSONB'), documentsTable('songs', 'JSONB')],
    redshift: [
      rawTable('events'),
      rawTable('songs'),
      documentsTable('events', 'SUPER'),
      documentsTable('songs', 'SUPER'),
    ],
  },
  down: {
    postgres: ['DROP TABLE staging_songs_docs', 'DROP TABLE staging_events_docs'],
    redshift: [
      'DROP TABLE staging_songs_docs',
      'DROP TABLE staging_events_docs',
      'DROP TABLE staging_songs_raw',
      'DROP TABLE staging_events_raw',
    ],
  },
};
