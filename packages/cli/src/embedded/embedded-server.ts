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
} from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import {
  allowTraversal,
  createLocalPostgres,
  freePort,
  type OsUser,
  portIsFree,
  postgresBinaries,
  postgresOsUser,
  type PostmasterState,
  postmasterState,
  removeStalePostmasterPid,
  runningAsRoot,
  withPidFileLock,
} from '@sparkify/local-postgres';
import { CliError, ExitCode } from '../errors.js';
import {
  type EmbeddedPaths,
  type EmbeddedState,
  embeddedPaths,
  embeddedUrl,
  readEmbeddedState,
  writeEmbeddedState,
} from './embedded-state.js';

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

interface RunningServer {
  pid: number;
  port: number;
  ready: boolean;
}

/**
 * A running server on this data folder, found through its postmaster.pid: by its pid where this process can see
 * it, else by PostgreSQL answering on the port the file names (a server started from another pid namespace).
 */
async function runningServer(paths: EmbeddedPaths): Promise<RunningServer | undefined> {
  const found: PostmasterState = await postmasterState(paths.dataDir);
  if (found.state !== 'running' || !found.port) return undefined;
  return { pid: found.pid, port: found.port, ready: found.ready };
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
  try {
    await createLocalPostgres({
      databaseDir: paths.dataDir,
      port: state.port,
      user: state.user,
      password: state.password,
      authMethod: 'scram-sha-256',
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
    });
  } catch (error) {
    throw new CliError(
      `could not initialise the embedded PostgreSQL in ${paths.dataDir}: ${(error as Error).message}`,
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

/** Step 1: a server already running on this data folder (started by another command meanwhile) is reused. */
async function reuseRunning(paths: EmbeddedPaths): Promise<EmbeddedServer | undefined> {
  const already = await runningServer(paths);
  if (!already) return undefined;
  const known = readEmbeddedState(paths);
  if (!known) {
    throw new CliError(
      `a PostgreSQL (pid ${already.pid}) is running on ${paths.dataDir} but its state file ${paths.stateFile} is missing, ` +
        'so its password is unknown; run `sparkify db stop` and try again',
      ExitCode.cannotRun,
      'EMBEDDED_STATE',
    );
  }
  if (!already.ready) await waitUntilReady(paths);
  return describe(paths, known, already, false);
}

/** Step 2: the data folder is empty or this PostgreSQL's; its state file is read, or it is initialised. */
async function loadOrInitialise(paths: EmbeddedPaths, notice: Notice): Promise<EmbeddedState> {
  const { postgres } = await postgresBinaries();
  const initialised = dataVersion(paths.dataDir) !== undefined;
  if (!initialised && existsSync(paths.dataDir) && readdirSync(paths.dataDir).length > 0) {
    throw new CliError(
      `${paths.dataDir} is not empty but holds no PostgreSQL data (no PG_VERSION); move it away or run \`sparkify db reset --yes\``,
      ExitCode.cannotRun,
      'EMBEDDED_DATA',
    );
  }
  checkVersion(paths, binaryMajor(postgres));
  const state = initialised ? readEmbeddedState(paths) : await initialise(paths, notice);
  if (!state) {
    throw new CliError(
      `the embedded data folder ${paths.dataDir} exists but its state file ${paths.stateFile} (port, password) is missing; ` +
        'run `sparkify db reset --yes` to start over (this deletes the embedded database)',
      ExitCode.cannotRun,
      'EMBEDDED_STATE',
    );
  }
  return state;
}

/** Step 3: a postmaster.pid left by a crash is removed, never one of a server that still answers. */
async function clearStalePidFile(paths: EmbeddedPaths, notice: Notice): Promise<void> {
  const removed = await removeStalePostmasterPid(paths.dataDir);
  if (removed.state === 'stale') {
    notice(
      `removed a stale postmaster.pid (pid ${removed.pid} is not running PostgreSQL) left by a crash; nothing answered on its port`,
    );
  }
}

/** Moves the server to a free port, remembering it in the state file. */
async function movePort(paths: EmbeddedPaths, state: EmbeddedState): Promise<EmbeddedState> {
  const moved = { ...state, port: await freePort() };
  writeEmbeddedState(paths, moved);
  return moved;
}

/** Step 4: the remembered port is taken by another program: move. */
async function ensurePortFree(
  paths: EmbeddedPaths,
  state: EmbeddedState,
  notice: Notice,
): Promise<EmbeddedState> {
  if (await portIsFree(state.port)) return state;
  const moved = await movePort(paths, state);
  notice(
    `port ${state.port} is taken by another program; the embedded PostgreSQL now uses port ${moved.port}`,
  );
  return moved;
}

const SHARED_MEMORY_ATTEMPTS = 20;

/**
 * Step 5: pg_ctl start, with its two known recoveries: another program took the port between our check and the
 * server's bind (move once), and a killed server's children still holding its shared memory (wait them out).
 */
async function startServer(
  paths: EmbeddedPaths,
  initial: EmbeddedState,
  notice: Notice,
): Promise<EmbeddedState> {
  const user = postgresOsUser();
  let state = initial;
  notice('starting embedded PostgreSQL…');
  let result = await pgCtlStart(paths, state.port, user);
  if (!result.ok && /address already in use/i.test(result.detail)) {
    const moved = await movePort(paths, state);
    notice(`port ${state.port} was taken while starting; retrying on port ${moved.port}`);
    state = moved;
    result = await pgCtlStart(paths, state.port, user);
  }
  for (
    let attempt = 0;
    !result.ok &&
    attempt < SHARED_MEMORY_ATTEMPTS &&
    /shared memory block|already running/i.test(result.detail);
    attempt++
  ) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    await removeStalePostmasterPid(paths.dataDir);
    result = await pgCtlStart(paths, state.port, user);
  }
  if (!result.ok) {
    throw new CliError(
      `the embedded PostgreSQL did not start (data ${paths.dataDir}, log ${paths.logFile}):\n${result.detail}`,
      ExitCode.cannotRun,
      'EMBEDDED_START',
    );
  }
  return state;
}

/** Under the start lock: reuse, or prepare the folder, clear a crash's leftovers, pick a port, start, create the database. */
async function startLocked(paths: EmbeddedPaths, notice: Notice): Promise<EmbeddedServer> {
  const reused = await reuseRunning(paths);
  if (reused) return reused;
  let state = await loadOrInitialise(paths, notice);
  await clearStalePidFile(paths, notice);
  state = await ensurePortFree(paths, state, notice);
  state = await startServer(paths, state, notice);
  await ensureDatabase(state);
  const running = await runningServer(paths);
  return describe(paths, state, running ?? { pid: 0, port: state.port }, true);
}

async function waitUntilReady(paths: EmbeddedPaths): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const server = await runningServer(paths);
    if (!server || server.ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The start lock: two commands started at once must not both initialise or start the server. */
async function withStartLock<T>(paths: EmbeddedPaths, work: () => Promise<T>): Promise<T> {
  return withPidFileLock(paths.lockFile, work, {
    waitMs: 120_000,
    purpose: 'starting the embedded PostgreSQL with',
  });
}

/**
 * Returns the embedded PostgreSQL for this home folder, reusing a running server or initialising and starting
 * one (detached, so it serves the next command too). Concurrent callers are serialised by a lock file.
 */
export async function ensureEmbeddedServer(home: string, notice: Notice): Promise<EmbeddedServer> {
  const paths = embeddedPaths(home);
  const running = await runningServer(paths);
  const state = readEmbeddedState(paths);
  if (running?.ready && state) return describe(paths, state, running, false);
  await ensureReachable(paths, notice);
  return withStartLock(paths, () => startLocked(paths, notice));
}

/** Reports whether the embedded server runs, where, and how big its data folder is. */
export async function embeddedStatus(home: string): Promise<EmbeddedStatus> {
  const paths = embeddedPaths(home);
  const running = await runningServer(paths);
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
  const running = await runningServer(paths);
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
  await withStartLock(paths, async () => {
    await stopEmbeddedServer(home);
    rmSync(paths.dataDir, { recursive: true, force: true });
    rmSync(paths.stateFile, { force: true });
    rmSync(paths.logFile, { force: true });
  });
}
