import type { Knex } from 'knex';
import { SchemaError } from './errors.js';
import { type Dialect, type Migration, migrationChecksum } from './migration.js';
import { migrations as allMigrations } from './migration-list.js';

const MIGRATIONS_TABLE = 'knex_migrations';
const CHECKSUM_TABLE = 'schema_checksums';

export type MigrationState = 'applied' | 'pending' | 'changed' | 'unknown';

export interface MigrationStatusRow {
  name: string;
  state: MigrationState;
  batch: number | null;
  appliedAt: string | null;
}

export interface MigrationStatus {
  dialect: Dialect;
  applied: number;
  pending: number;
  changed: number;
  migrations: MigrationStatusRow[];
}

export interface MigrateResult {
  direction: 'up' | 'down';
  ran: string[];
}

export interface MigratorOptions {
  dialect: Dialect;
  /** For tests: a different migration list. */
  migrations?: readonly Migration[];
}

function knexConfig(options: MigratorOptions): Knex.MigratorConfig {
  const list = options.migrations ?? allMigrations;
  return {
    tableName: MIGRATIONS_TABLE,
    migrationSource: {
      getMigrations: () => Promise.resolve([...list]),
      getMigrationName: (migration: Migration) => migration.name,
      getMigration: (migration: Migration) =>
        Promise.resolve({
          up: (knex: Knex) => runStatements(knex, migration.up[options.dialect]),
          down: (knex: Knex) => runStatements(knex, migration.down[options.dialect]),
        }),
    },
  };
}

async function runStatements(knex: Knex, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await knex.raw(statement);
}

async function ensureChecksumTable(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable(CHECKSUM_TABLE)) return;
  await knex.raw(
    `CREATE TABLE ${CHECKSUM_TABLE} (name VARCHAR(255) NOT NULL, checksum VARCHAR(64) NOT NULL, PRIMARY KEY (name))`,
  );
}

interface AppliedRow {
  name: string;
  batch: number;
  migration_time: Date | string | null;
}

async function appliedMigrations(knex: Knex): Promise<AppliedRow[]> {
  if (!(await knex.schema.hasTable(MIGRATIONS_TABLE))) return [];
  return knex(MIGRATIONS_TABLE).select('name', 'batch', 'migration_time').orderBy('id');
}

async function storedChecksums(knex: Knex): Promise<Map<string, string>> {
  if (!(await knex.schema.hasTable(CHECKSUM_TABLE))) return new Map();
  const rows: { name: string; checksum: string }[] = await knex(CHECKSUM_TABLE).select('name', 'checksum');
  return new Map(rows.map((row) => [row.name, row.checksum]));
}

/** Compares what is applied with the migrations in code: applied, pending, changed since applied, or unknown. */
export async function migrationStatus(knex: Knex, options: MigratorOptions): Promise<MigrationStatus> {
  const list = options.migrations ?? allMigrations;
  const applied = await appliedMigrations(knex);
  const checksums = await storedChecksums(knex);
  const appliedByName = new Map(applied.map((row) => [row.name, row]));
  const rows: MigrationStatusRow[] = list.map((migration) => {
    const row = appliedByName.get(migration.name);
    if (!row) return { name: migration.name, state: 'pending', batch: null, appliedAt: null };
    const stored = checksums.get(migration.name);
    const changed = stored !== undefined && stored !== migrationChecksum(migration, options.dialect);
    return {
      name: migration.name,
      state: changed ? 'changed' : 'applied',
      batch: row.batch,
      appliedAt: row.migration_time ? new Date(row.migration_time).toISOString() : null,
    };
  });
  const known = new Set(list.map((migration) => migration.name));
  for (const row of applied) {
    if (known.has(row.name)) continue;
    rows.push({
      name: row.name,
      state: 'unknown',
      batch: row.batch,
      appliedAt: row.migration_time ? new Date(row.migration_time).toISOString() : null,
    });
  }
  const count = (state: MigrationState) => rows.filter((row) => row.state === state).length;
  return {
    dialect: options.dialect,
    applied: count('applied') + count('changed'),
    pending: count('pending'),
    changed: count('changed'),
    migrations: rows,
  };
}

function refuseChanged(status: MigrationStatus): void {
  const changed = status.migrations.filter((row) => row.state === 'changed').map((row) => row.name);
  if (changed.length === 0) return;
  throw new SchemaError(
    'MIGRATION_CHANGED',
    `Applied migration${changed.length > 1 ? 's' : ''} changed since ${changed.length > 1 ? 'they' : 'it'} ran: ` +
      `${changed.join(', ')}. Restore the original SQL and add a new migration for the change; if the database ` +
      'already matches the new text, record it with `sparkify migrate repair`.',
  );
}

/**
 * Where a run should leave the schema: every migration (`latest`), exactly `to` (up or down), everything
 * applied after `after` undone, the last `steps` undone, or nothing applied (`all` undone).
 */
export type MigrationTarget =
  { latest: true } | { to: string } | { after: string } | { steps: number } | { all: true };

/** What a run does to reach its target: the migrations to apply (in list order) or undo (newest first). */
export interface MigrationSteps {
  direction: 'up' | 'down';
  names: string[];
}

function indexOfMigration(list: readonly Migration[], name: string): number {
  const index = list.findIndex((migration) => migration.name === name);
  if (index < 0) {
    throw new SchemaError(
      'MIGRATION_UNKNOWN',
      `No migration named "${name}". Known: ${list.map((migration) => migration.name).join(', ')}`,
    );
  }
  return index;
}

const notApplied = (name: string) =>
  new SchemaError('MIGRATION_UNKNOWN', `Migration "${name}" is not applied.`);

/**
 * The one target resolver behind migrateTo, rollbackTo and planMigrationSql (pure): from the migrations in code
 * and the names applied (in the order they were applied), the steps that reach `target`. Undoing goes in reverse
 * order of application; applying takes the pending migrations up to the target in list order.
 */
export function resolveMigrationSteps(
  list: readonly Migration[],
  applied: readonly string[],
  target: MigrationTarget,
): MigrationSteps {
  const undo = (keep: number): MigrationSteps => ({
    direction: 'down',
    names: applied.slice(keep).reverse(),
  });
  if ('all' in target) return undo(0);
  if ('steps' in target) return undo(Math.max(0, applied.length - target.steps));
  if ('after' in target) {
    indexOfMigration(list, target.after);
    const position = applied.indexOf(target.after);
    if (position < 0) throw notApplied(target.after);
    return undo(position + 1);
  }
  const targetIndex = 'to' in target ? indexOfMigration(list, target.to) : list.length - 1;
  const appliedBeyond = applied.some(
    (name) => list.findIndex((migration) => migration.name === name) > targetIndex,
  );
  if ('to' in target && appliedBeyond) {
    const position = applied.indexOf(target.to);
    if (position < 0) throw notApplied(target.to);
    return undo(position + 1);
  }
  return {
    direction: 'up',
    names: list
      .slice(0, targetIndex + 1)
      .map((migration) => migration.name)
      .filter((name) => !applied.includes(name)),
  };
}

/** knex's "Migration table is already locked" as this package's error, so the CLI needs no regex on it. */
async function lockAware<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if ((error as Error).name === 'MigrationLocked') {
      throw new SchemaError(
        'MIGRATION_LOCKED',
        'another migrate holds the migration lock; if none is running (one was killed), free it with `sparkify migrate unlock`',
        { cause: error },
      );
    }
    throw error;
  }
}

async function recordChecksums(
  knex: Knex,
  options: MigratorOptions,
  names: readonly string[],
): Promise<void> {
  if (names.length === 0) return;
  const list = options.migrations ?? allMigrations;
  await ensureChecksumTable(knex);
  await knex.transaction(async (trx) => {
    await trx(CHECKSUM_TABLE)
      .whereIn('name', [...names])
      .delete();
    await trx(CHECKSUM_TABLE).insert(
      names.map((name) => {
        const migration = list.find((candidate) => candidate.name === name);
        if (!migration) throw new SchemaError('MIGRATION_UNKNOWN', `No migration named "${name}"`);
        return { name, checksum: migrationChecksum(migration, options.dialect) };
      }),
    );
  });
}

/**
 * Applies pending migrations, all of them or up to and including `to`, after refusing to run while an applied
 * migration has changed. A `to` that is already applied rolls back the migrations after it.
 */
export async function migrateTo(
  knex: Knex,
  options: MigratorOptions & { to?: string },
): Promise<MigrateResult> {
  const list = options.migrations ?? allMigrations;
  const config = knexConfig(options);
  const before = await migrationStatus(knex, options);
  refuseChanged(before);
  const appliedNames = (await appliedMigrations(knex)).map((row) => row.name);
  const steps = resolveMigrationSteps(
    list,
    appliedNames,
    options.to === undefined ? { latest: true } : { to: options.to },
  );
  if (steps.direction === 'down') return undo(knex, options, steps.names);
  const ran: string[] = [];
  if (options.to === undefined) {
    // One batch for the whole run, as knex's own latest does it.
    const [, names] = await lockAware(() => knex.migrate.latest(config) as Promise<[number, string[]]>);
    ran.push(...names);
  } else {
    for (const name of steps.names) {
      await lockAware(() => knex.migrate.up({ ...config, name }));
      ran.push(name);
    }
  }
  await recordChecksums(knex, options, ran);
  // Migrations applied before checksums existed (or a crash in between) are recorded as they are now.
  const stored = await storedChecksums(knex);
  await recordChecksums(
    knex,
    options,
    appliedNames.filter((name) => !stored.has(name) && list.some((m) => m.name === name)),
  );
  return { direction: 'up', ran };
}

/** Undoes the named migrations in the given order, and forgets their checksums. */
async function undo(knex: Knex, options: MigratorOptions, names: readonly string[]): Promise<MigrateResult> {
  const list = options.migrations ?? allMigrations;
  const config = knexConfig(options);
  const ran: string[] = [];
  for (const name of names) {
    if (!list.some((migration) => migration.name === name)) {
      throw new SchemaError(
        'MIGRATION_MISSING',
        `Applied migration "${name}" is not in this version's code.`,
      );
    }
    await lockAware(() => knex.migrate.down({ ...config, name }));
    ran.push(name);
  }
  if (ran.length > 0 && (await knex.schema.hasTable(CHECKSUM_TABLE))) {
    await knex(CHECKSUM_TABLE).whereIn('name', ran).delete();
  }
  return { direction: 'down', ran };
}

/** Rolls back: the last migration (`steps` 1), `steps` migrations, everything after `to`, or all (`all`). */
export async function rollbackTo(
  knex: Knex,
  options: MigratorOptions & { to?: string; steps?: number; all?: boolean },
): Promise<MigrateResult> {
  const list = options.migrations ?? allMigrations;
  const applied = (await appliedMigrations(knex)).map((row) => row.name);
  const steps = resolveMigrationSteps(list, applied, rollbackTarget(options));
  return undo(knex, options, steps.names);
}

function rollbackTarget(options: { to?: string; steps?: number; all?: boolean }): MigrationTarget {
  if (options.all) return { all: true };
  if (options.to !== undefined) return { after: options.to };
  return { steps: options.steps ?? 1 };
}

/** Records the current checksums of every applied migration: for when a changed file is known to be harmless. */
export async function repairChecksums(knex: Knex, options: MigratorOptions): Promise<string[]> {
  const applied = (await appliedMigrations(knex)).map((row) => row.name);
  const list = options.migrations ?? allMigrations;
  const known = applied.filter((name) => list.some((migration) => migration.name === name));
  await recordChecksums(knex, options, known);
  return known;
}

/** Frees knex's migration lock after a migrator was killed mid-run. */
export async function releaseMigrationLock(knex: Knex, options: MigratorOptions): Promise<void> {
  await knex.migrate.forceFreeMigrationsLock(knexConfig(options));
}

export interface PlannedStatement {
  migration: string;
  direction: 'up' | 'down';
  sql: string;
}

/** What a dry run plans: up (to a migration, or all), or down (`steps`, everything after `to`, or `all`). */
export type MigrationPlanTarget =
  { direction: 'up'; to?: string } | { direction: 'down'; to?: string; steps?: number; all?: boolean };

/**
 * The SQL a migration run would send for a dialect, computed without a connection through the same resolver as
 * a real run: `up` as if from an empty database (to `to`, or all), `down` as if every migration were applied
 * (undoing the last `steps`, everything after `to`, or all).
 */
export function planMigrationSql(options: MigratorOptions & MigrationPlanTarget): PlannedStatement[] {
  const list = options.migrations ?? allMigrations;
  const direction = options.direction;
  const steps =
    direction === 'up'
      ? resolveMigrationSteps(list, [], options.to === undefined ? { latest: true } : { to: options.to })
      : resolveMigrationSteps(
          list,
          list.map((migration) => migration.name),
          options.to === undefined && options.steps === undefined ? { all: true } : rollbackTarget(options),
        );
  return steps.names.flatMap((name) => {
    const migration = list[indexOfMigration(list, name)]!;
    return migration[direction][options.dialect].map((sql) => ({ migration: name, direction, sql }));
  });
}
