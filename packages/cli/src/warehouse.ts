import knexFactory, { type Knex } from 'knex';
import type { Dialect } from '@sparkify/schema';
import type { CliContext } from './context.js';
import type { SparkifyConfig } from './config/config-schema.js';
import { describeConnectionError, type Endpoint } from './connection-error.js';
import { ensureEmbeddedServer } from './embedded/embedded-server.js';
import { CliError, ExitCode } from './errors.js';
import { installRedaction } from './redaction/redacting-stream.js';

/** An open connection to the configured warehouse. */
export interface Warehouse {
  knex: Knex;
  dialect: Dialect;
  /** A description safe to print (no password): "embedded PostgreSQL 18 at 127.0.0.1:54321/sparkify". */
  label: string;
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 15_000;

interface Connection {
  client: 'pg' | 'redshift';
  dialect: Dialect;
  connection:
    | Knex.PgConnectionConfig
    | (() => Promise<Knex.PgConnectionConfig & { expirationChecker?: () => boolean }>);
  endpoint: Endpoint;
  label: string;
}

function urlConnection(url: string): Connection {
  let endpoint: Endpoint;
  try {
    const parsed = new URL(url);
    endpoint = {
      host: parsed.hostname,
      port: parsed.port || 5432,
      database: decodeURIComponent(parsed.pathname.slice(1)),
    };
  } catch {
    throw new CliError(
      'databaseUrl: expected a URL like postgres://user:password@host:5432/database',
      ExitCode.cannotRun,
      'CONFIG_INVALID',
    );
  }
  return {
    client: 'pg',
    dialect: 'postgres',
    connection: { connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS },
    endpoint,
    label: `PostgreSQL at ${endpoint.host}:${endpoint.port}/${endpoint.database}`,
  };
}

async function redshiftConnection(config: SparkifyConfig, context: CliContext): Promise<Connection> {
  const redshift = config.redshift;
  if (!redshift) {
    throw new CliError(
      'redshift.host: expected a Redshift cluster for target redshift; set REDSHIFT_HOST/REDSHIFT_DATABASE/REDSHIFT_USER/' +
        'REDSHIFT_PASSWORD, REDSHIFT_WORKGROUP (Serverless) or REDSHIFT_CLUSTER_ID (IAM auth), a dwh.cfg [CLUSTER] ' +
        'section (--config dwh.cfg), or DATABASE_URL',
      ExitCode.cannotRun,
      'CONFIG_INVALID',
    );
  }
  // Certificates are verified unless the user explicitly chose otherwise: a cluster's credentials must not be
  // sent to whoever answers on the network path.
  const ssl = redshift.tls === 'off' ? false : { rejectUnauthorized: redshift.tls === 'verify' };
  // Loaded only for the redshift target: the AWS SDK clients cost every other command startup time.
  const { describeSignIn, fetchSignIn, redshiftApisFor, resolveRedshiftEndpoint } =
    await import('./redshift-credentials.js');
  const apis = redshiftApisFor(config, context.env);
  const { host, port } = await resolveRedshiftEndpoint(redshift, apis);
  const database = redshift.database!;
  const endpoint = { host, port, database };
  const base = { host, port, database, ssl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS };
  const signIn = describeSignIn(redshift);
  const kind = redshift.workgroup ? `Redshift Serverless (workgroup ${redshift.workgroup})` : 'Redshift';
  return {
    client: 'redshift',
    dialect: 'redshift',
    // Temporary credentials are fetched when the pool first connects and again shortly before they expire;
    // each fetched password joins the redaction list before anything could print it.
    connection:
      signIn === 'password'
        ? { ...base, user: redshift.user, password: redshift.password }
        : async () => {
            const credentials = await fetchSignIn(redshift, apis);
            installRedaction(context, [credentials.password]);
            const expiresAt = credentials.expiresAt?.getTime();
            return {
              ...base,
              user: credentials.user,
              password: credentials.password,
              ...(expiresAt ? { expirationChecker: () => Date.now() > expiresAt - 60_000 } : {}),
            };
          },
    endpoint,
    label: `${kind} at ${host}:${port}/${redshift.database}, sign-in: ${signIn}${redshift.tls === 'verify' ? '' : ` (TLS ${redshift.tls})`}`,
  };
}

async function embeddedConnection(config: SparkifyConfig, context: CliContext): Promise<Connection> {
  const server = await ensureEmbeddedServer(config.home, (message) => context.stderr.write(`${message}\n`));
  installRedaction(context, [server.state.password]);
  const endpoint = { host: '127.0.0.1', port: server.port, database: server.state.database };
  return {
    client: 'pg',
    dialect: 'postgres',
    connection: {
      host: endpoint.host,
      port: server.port,
      user: server.state.user,
      password: server.state.password,
      database: server.state.database,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    },
    endpoint,
    label: `embedded PostgreSQL ${server.version} at 127.0.0.1:${server.port}/${server.state.database}`,
  };
}

/**
 * Connects to the configured warehouse: DATABASE_URL, the Redshift cluster, or (postgres target, nothing
 * configured) the embedded PostgreSQL, started on demand and reused across commands. The connection is tried
 * once here, so an unreachable database fails now with a CliError (exit 2) naming host:port.
 */
export async function openWarehouse(config: SparkifyConfig, context: CliContext): Promise<Warehouse> {
  const target =
    config.target === 'redshift'
      ? await redshiftConnection(config, context)
      : config.databaseUrl
        ? urlConnection(config.databaseUrl)
        : await embeddedConnection(config, context);
  const knex = knexFactory({
    client: target.client,
    connection: target.connection,
    pool: { min: 0, max: 8 },
    acquireConnectionTimeout: CONNECT_TIMEOUT_MS + 5_000,
    // knex logs connection failures itself, unredacted and with a stack; the CLI reports them as one line.
    log: { warn: () => {}, error: () => {}, deprecate: () => {}, debug: () => {} },
  });
  try {
    await knex.raw('select 1');
  } catch (error) {
    await knex.destroy().catch(() => undefined);
    const message = describeConnectionError(error, target.endpoint);
    if (message) throw new CliError(message, ExitCode.cannotRun, 'CONNECTION_FAILED', { cause: error });
    throw error;
  }
  return { knex, dialect: target.dialect, label: target.label, close: () => knex.destroy() };
}
