import type { Migration } from '../migration.js';

// One column per ALTER TABLE: Redshift adds only one at a time.
const up = [
  'ALTER TABLE etl_lock ADD COLUMN boot_id VARCHAR(64)',
  'ALTER TABLE etl_lock ADD COLUMN pid_namespace VARCHAR(64)',
  'ALTER TABLE etl_lock ADD COLUMN start_ticks BIGINT',
  'ALTER TABLE etl_lock ADD COLUMN heartbeat_at TIMESTAMP',
];
const down = [
  'ALTER TABLE etl_lock DROP COLUMN heartbeat_at',
  'ALTER TABLE etl_lock DROP COLUMN start_ticks',
  'ALTER TABLE etl_lock DROP COLUMN pid_namespace',
  'ALTER TABLE etl_lock DROP COLUMN boot_id',
];

/**
 * The load lock's holder named by more than host and pid: the machine's boot id, the pid namespace and the
 * process start time (a restarted container's loader is pid 1 again; pids of another namespace mean nothing
 * here), and a heartbeat the holder refreshes, for holders this host cannot see.
 */
export const lockHolderIdentity: Migration = {
  name: '0007_lock_holder_identity',
  up: { postgres: up, redshift: up },
  down: { postgres: down, redshift: down },
};
