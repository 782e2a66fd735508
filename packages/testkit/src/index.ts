export { startTestPostgres, type TestPostgres } from './test-postgres.js';
export { createTestDatabase, type TestDatabase } from './test-database.js';
export { startTestS3, testS3Client, type TestS3 } from './test-s3.js';
// Brings the ProvidedContext augmentation (inject('pgUrl')) to every importer of the test kit.
export type {} from './global-setup.js';
export {
  startS3FaultProxy,
  type S3Fault,
  type S3FaultProxy,
  type S3FaultRule,
  type SeenRequest,
} from './s3-fault-proxy.js';
export { startRestartablePostgres, type RestartablePostgres } from './restartable-postgres.js';
export { startTlsPostgresProxy, type TlsPostgresProxy, type TlsProxyStats } from './tls-postgres-proxy.js';
export { startNodeProcess, type ProcessOutcome, type RunningProcess } from './start-process.js';
export { waitFor } from './wait-for.js';
export { starSnapshot } from './star-snapshot.js';
export { filesBelow, uploadFolder } from './upload-folder.js';
export { sessionsOf, withApplicationName, type PgSession } from './pg-sessions.js';
export { forbiddenSqlConstructs, portableSqlViolations } from './portable-sql.js';
export {
  startScriptedRedshift,
  type RedshiftScript,
  type ScriptedRedshift,
  type ScriptedReply,
  type ScriptedStatement,
} from './scripted-redshift.js';
export {
  type ConflictingRedshift,
  serializationConflict,
  startConflictingRedshift,
} from './conflicting-redshift.js';
// The local PostgreSQL helpers tests need, from their one owner.
export { allowTraversal, freePort, preparePostgresAsRoot } from '@sparkify/local-postgres';
export { startWebhookServer, type TestWebhookServer, type WebhookRequest } from './webhook-server.js';
export type { EtlFileRow, EtlLockRow, EtlRejectRow, EtlRunRow } from './ledger-rows.js';
