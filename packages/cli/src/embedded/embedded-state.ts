import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the CLI remembers about its embedded server; holds the password, so the file is 0600. */
export interface EmbeddedState {
  port: number;
  user: string;
  password: string;
  database: string;
  createdAt: string;
}

/** The files of the embedded server under SPARKIFY_HOME. */
export interface EmbeddedPaths {
  home: string;
  dataDir: string;
  stateFile: string;
  logFile: string;
  lockFile: string;
}

/** Where the embedded server keeps its data, state, log and start lock under a home folder. */
export function embeddedPaths(home: string): EmbeddedPaths {
  return {
    home,
    dataDir: join(home, 'pgdata'),
    stateFile: join(home, 'embedded.json'),
    logFile: join(home, 'postgres.log'),
    lockFile: join(home, 'embedded.lock'),
  };
}

/** Reads the state file, or undefined when there is none (or it is unreadable). */
export function readEmbeddedState(paths: EmbeddedPaths): EmbeddedState | undefined {
  try {
    const state = JSON.parse(readFileSync(paths.stateFile, 'utf8')) as Partial<EmbeddedState>;
    if (typeof state.port !== 'number' || typeof state.password !== 'string') return undefined;
    return { user: 'postgres', database: 'sparkify', createdAt: '', ...state } as EmbeddedState;
  } catch {
    return undefined;
  }
}

/** Writes the state file readable by its owner only. */
export function writeEmbeddedState(paths: EmbeddedPaths, state: EmbeddedState): void {
  writeFileSync(paths.stateFile, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  chmodSync(paths.stateFile, 0o600);
}

/** A connection URL for the embedded server that psql and pg accept. */
export function embeddedUrl(state: EmbeddedState): string {
  return `postgres://${encodeURIComponent(state.user)}:${encodeURIComponent(state.password)}@127.0.0.1:${state.port}/${state.database}`;
}
