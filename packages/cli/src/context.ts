import type { Writable } from 'node:stream';

/** What a command may touch of the outside world; tests and the binary both build one. */
export interface CliContext {
  stdout: Writable;
  stderr: Writable;
  /** stdout is a terminal: colour and progress are allowed. */
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Set by a command to choose the process exit code; the binary exits with it. */
  exitCode: number;
  /** Aborts on the first SIGINT or SIGTERM (its reason is the signal's name), for a command that can stop cleanly. */
  signal?: AbortSignal;
  /**
   * Set by a command while it can stop cleanly on `signal` (a load rolls back and records its run); otherwise the
   * binary exits at once on a signal, as a process without handlers would.
   */
  stoppable?: boolean;
}

/** Options every command accepts (see program.ts). */
export interface GlobalOptions {
  config?: string;
  target?: 'postgres' | 'redshift';
  /** Redshift TLS: verify (default), no-verify, off. `--insecure-tls` means no-verify. */
  tls?: 'verify' | 'no-verify' | 'off';
  insecureTls?: boolean;
  /** Redshift sign-in: password, iam, iam-identity, secret (see `redshift.auth`). */
  redshiftAuth?: 'password' | 'iam' | 'iam-identity' | 'secret';
  clusterId?: string;
  workgroup?: string;
  secretArn?: string;
  /** The region of the data COPY reads. */
  copyRegion?: string;
  /** A webhook for alerts (`load` and `check` accept it); the config key is notifyUrl. */
  notify?: string;
  /** Print stack traces of unexpected errors. */
  debug?: boolean;
}
