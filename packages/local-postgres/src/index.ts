export { LocalPostgresError, type LocalPostgresErrorCode } from './errors.js';
export { freePort, portIsFree } from './free-port.js';
export { allowTraversal } from './allow-traversal.js';
export {
  ensurePostgresOsUser,
  type OsUser,
  postgresOsUser,
  preparePostgresAsRoot,
  runningAsRoot,
} from './postgres-os-user.js';
export { postgresBinaries, postgresPackageFolder, type PostgresBinaries } from './postgres-binaries.js';
export {
  bootId,
  currentProcessIdentity,
  type HolderLiveness,
  holderLiveness,
  isProcessAlive,
  pidNamespace,
  type ProcessIdentity,
  processStartTicks,
} from './process-identity.js';
export {
  acquirePidFileLock,
  parsePidFile,
  type PidFileHolder,
  type PidFileLockOptions,
  withPidFileLock,
} from './pid-file-lock.js';
export {
  answersAsPostgres,
  isLivePostgres,
  parsePostmasterPid,
  postmasterState,
  type PostmasterPid,
  type PostmasterState,
  readPostmasterPid,
  removeStalePostmasterPid,
} from './postmaster-pid.js';
export {
  createLocalPostgres,
  type LocalPostgres,
  type LocalPostgresOptions,
  startLocalPostgres,
} from './local-postgres.js';
