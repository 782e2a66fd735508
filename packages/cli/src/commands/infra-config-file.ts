import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { WarehouseConnection } from '@sparkify/infra';
import { DEFAULT_CONFIG_FILE } from '../config/resolve-config.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { CliError, ExitCode } from '../errors.js';

/** The JSON config file `infra up` writes: --config (or SPARKIFY_CONFIG) when it is JSON, else ./sparkify.config.json. */
export interface ConfigFileTarget {
  path: string;
  label: string;
  existing: Record<string, unknown>;
}

/** Finds (and reads) the config file `infra up` will write, refusing a dwh.cfg before anything is deployed. */
export function configFileTarget(options: GlobalOptions, context: CliContext): ConfigFileTarget {
  const label = options.config ?? context.env.SPARKIFY_CONFIG?.trim() ?? DEFAULT_CONFIG_FILE;
  const path = resolve(context.cwd, label);
  if (!existsSync(path)) return { path, label, existing: {} };
  const text = readFileSync(path, 'utf8');
  if (extname(path).toLowerCase() !== '.json' && !text.trimStart().startsWith('{')) {
    throw new CliError(
      `config file ${label}: infra up writes the connection into a JSON config file, not a dwh.cfg; ` +
        `run it with --config ${DEFAULT_CONFIG_FILE} (dwh.cfg's [S3] settings can be passed as --song-data/--log-data)`,
      ExitCode.cannotRun,
      'CONFIG_FILE',
    );
  }
  try {
    const existing = JSON.parse(text) as unknown;
    if (typeof existing !== 'object' || existing === null || Array.isArray(existing))
      throw new Error('not an object');
    return { path, label, existing: existing as Record<string, unknown> };
  } catch (error) {
    throw new CliError(
      `config file ${label}: not a JSON object (${(error as Error).message})`,
      ExitCode.cannotRun,
      'CONFIG_FILE',
      {
        cause: error,
      },
    );
  }
}

/**
 * The config file's content after `infra up`: the target becomes redshift, the connection comes from the
 * stack's outputs with the admin password read from its Secrets Manager secret at connect time (auth
 * `secret`: no password on disk), the COPY role and region are set, and the manifest prefix the role may read
 * is kept. Every other setting of the file stays as it was.
 */
export function connectionConfig(
  existing: Record<string, unknown>,
  connection: WarehouseConnection,
  extra: { secretArn: string; manifestPrefix?: string },
): Record<string, unknown> {
  const redshift: Record<string, unknown> = {
    host: connection.host,
    port: connection.port,
    database: connection.database,
    user: connection.user,
    auth: 'secret',
    secretArn: extra.secretArn,
  };
  if (connection.workgroup) redshift.workgroup = connection.workgroup;
  if (connection.clusterId) redshift.clusterId = connection.clusterId;
  // TLS stays as the user chose; a password of an earlier warehouse must not linger beside the secret.
  const earlier = (existing.redshift ?? {}) as Record<string, unknown>;
  if (earlier.tls !== undefined) redshift.tls = earlier.tls;
  const s3 = { ...((existing.s3 ?? {}) as Record<string, unknown>) };
  if (extra.manifestPrefix) s3.manifestPrefix = extra.manifestPrefix;
  return {
    ...existing,
    target: 'redshift',
    region: connection.region,
    iamRoleArn: connection.copyRoleArn,
    redshift,
    ...(Object.keys(s3).length > 0 ? { s3 } : {}),
  };
}

/** Writes the config file (JSON, two-space indent, final newline). */
export function writeConfigFile(target: ConfigFileTarget, content: Record<string, unknown>): void {
  writeFileSync(target.path, `${JSON.stringify(content, null, 2)}\n`);
}
