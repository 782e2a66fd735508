import type { Migration } from '../migration.js';

const unknownKeys = `CREATE TABLE etl_unknown_keys (
  run_id           BIGINT NOT NULL,
  dataset          VARCHAR(16) NOT NULL,
  json_key         VARCHAR(512) NOT NULL,
  first_object_key VARCHAR(2048) NOT NULL,
  first_line       INTEGER NOT NULL,
  records          BIGINT NOT NULL,
  PRIMARY KEY (run_id, dataset, json_key)
)`;

const fieldNulls = `CREATE TABLE etl_field_nulls (
  run_id  BIGINT NOT NULL,
  dataset VARCHAR(16) NOT NULL,
  field   VARCHAR(128) NOT NULL,
  records BIGINT NOT NULL,
  nulls   BIGINT NOT NULL,
  PRIMARY KEY (run_id, dataset, field)
)`;

/**
 * What each load observed beyond its counts, for the checks that compare a load with its history: JSON keys
 * the format does not know (schema drift) and, per optional field, how many staged records had it null.
 */
export const loadObservations: Migration = {
  name: '0006_load_observations',
  up: {
    postgres: [unknownKeys, fieldNulls],
    redshift: [
      `${unknownKeys}\nDISTSTYLE ALL SORTKEY (run_id)`,
      `${fieldNulls}\nDISTSTYLE ALL SORTKEY (run_id)`,
    ],
  },
  down: {
    postgres: ['DROP TABLE etl_field_nulls', 'DROP TABLE etl_unknown_keys'],
    redshift: ['DROP TABLE etl_field_nulls', 'DROP TABLE etl_unknown_keys'],
  },
};
