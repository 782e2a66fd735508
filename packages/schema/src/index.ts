export * from './catalog.js';
export { SchemaError } from './errors.js';
export { quoteLiteral } from './sql-literal.js';
export { type Dialect, dialects, type Migration, migrationChecksum } from './migration.js';
export { migrations } from './migration-list.js';
export {
  type MigrateResult,
  type MigrationPlanTarget,
  type MigrationSteps,
  type MigrationTarget,
  type MigrationState,
  type MigrationStatus,
  type MigrationStatusRow,
  type PlannedStatement,
  migrateTo,
  migrationStatus,
  planMigrationSql,
  resolveMigrationSteps,
  releaseMigrationLock,
  repairChecksums,
  rollbackTo,
} from './migrator.js';
export {
  isSerializationFailure,
  retrySerializationFailures,
  type SerializationRetry,
} from './serialization-failure.js';
export { acceptedValues, type AcceptedField } from './accepted-values.js';
