import {
  DescribeClustersCommand,
  GetClusterCredentialsCommand,
  GetClusterCredentialsWithIAMCommand,
  RedshiftClient,
} from '@aws-sdk/client-redshift';
import {
  GetCredentialsCommand,
  GetWorkgroupCommand,
  RedshiftServerlessClient,
} from '@aws-sdk/client-redshift-serverless';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type RedshiftAuth, redshiftAuthOf, type SparkifyConfig } from './config/config-schema.js';
import { CliError, ExitCode } from './errors.js';
import { credentialsFromSecret, regionOfSecretArn } from './redshift-secret.js';

type RedshiftSettings = NonNullable<SparkifyConfig['redshift']>;

/** The database user and password one sign-in uses; temporary ones carry their expiry. */
export interface SignIn {
  user: string;
  password: string;
  expiresAt?: Date;
}

/** The AWS API clients the sign-in may need, made on first use. */
export interface RedshiftApis {
  redshift(): RedshiftClient;
  serverless(): RedshiftServerlessClient;
  secrets(): SecretsManagerClient;
}

/** How long temporary credentials are asked for: GetClusterCredentials and GetCredentials allow 900-3600 s. */
export const CREDENTIAL_SECONDS = 900;

/**
 * The AWS clients of the Redshift sign-in: the SDK's standard credential chain, `region`, and the endpoints
 * AWS_ENDPOINT_URL_REDSHIFT / _REDSHIFT_SERVERLESS / _SECRETS_MANAGER when set (read from the command's
 * environment, as the SDK itself would, so tests can point them at a scripted service).
 */
export function redshiftApisFor(config: SparkifyConfig, env: NodeJS.ProcessEnv): RedshiftApis {
  const region = config.region ?? 'us-east-1';
  const endpoint = (name: string) => (env[name] ? { endpoint: env[name] } : {});
  let redshift: RedshiftClient | undefined;
  let serverless: RedshiftServerlessClient | undefined;
  let secrets: SecretsManagerClient | undefined;
  return {
    redshift: () => (redshift ??= new RedshiftClient({ region, ...endpoint('AWS_ENDPOINT_URL_REDSHIFT') })),
    serverless: () =>
      (serverless ??= new RedshiftServerlessClient({
        region,
        ...endpoint('AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS'),
      })),
    // A secret lives in the region its ARN names.
    secrets: () =>
      (secrets ??= new SecretsManagerClient({
        region: config.redshift?.secretArn ? regionOfSecretArn(config.redshift.secretArn) : region,
        ...endpoint('AWS_ENDPOINT_URL_SECRETS_MANAGER'),
      })),
  };
}

function apiFailure(what: string, error: unknown): CliError {
  const name = (error as { name?: string }).name ?? 'Error';
  const message = (error as Error).message ?? String(error);
  return new CliError(`${what} failed: ${name}: ${message}`, ExitCode.cannotRun, 'REDSHIFT_AUTH_FAILED', {
    cause: error,
  });
}

/** The endpoint to connect to: the configured host, else the workgroup's or the cluster's own endpoint. */
export async function resolveRedshiftEndpoint(
  redshift: RedshiftSettings,
  apis: RedshiftApis,
): Promise<{ host: string; port: number }> {
  if (redshift.host) return { host: redshift.host, port: redshift.port };
  if (redshift.workgroup) {
    const what = `Redshift Serverless GetWorkgroup for workgroup ${redshift.workgroup}`;
    const answer = await apis
      .serverless()
      .send(new GetWorkgroupCommand({ workgroupName: redshift.workgroup }))
      .catch((error: unknown) => {
        throw apiFailure(what, error);
      });
    const address = answer.workgroup?.endpoint?.address;
    if (!address) throw new CliError(`${what}: the workgroup has no endpoint yet`, ExitCode.cannotRun);
    return { host: address, port: answer.workgroup?.endpoint?.port ?? redshift.port };
  }
  const what = `Redshift DescribeClusters for cluster ${redshift.clusterId}`;
  const answer = await apis
    .redshift()
    .send(new DescribeClustersCommand({ ClusterIdentifier: redshift.clusterId }))
    .catch((error: unknown) => {
      throw apiFailure(what, error);
    });
  const endpoint = answer.Clusters?.[0]?.Endpoint;
  if (!endpoint?.Address) {
    throw new CliError(`${what}: the cluster has no endpoint yet (still creating?)`, ExitCode.cannotRun);
  }
  return { host: endpoint.Address, port: endpoint.Port ?? redshift.port };
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === null || value === '') {
    throw new CliError(`${what} answered without credentials`, ExitCode.cannotRun, 'REDSHIFT_AUTH_FAILED');
  }
  return value;
}

/**
 * Signs in as configured: the static password, temporary credentials from GetClusterCredentials(WithIAM)
 * (provisioned) or GetCredentials (Serverless), or a Secrets Manager secret. Called at connect time by the
 * connection pool, so nothing is fetched for commands that never connect; the password is never returned to
 * anything that prints.
 */
export async function fetchSignIn(redshift: RedshiftSettings, apis: RedshiftApis): Promise<SignIn> {
  const auth: RedshiftAuth = redshiftAuthOf(redshift);
  if (auth === 'password') return { user: redshift.user!, password: redshift.password! };
  if (auth === 'secret') {
    const secret = await credentialsFromSecret(redshift.secretArn!, apis.secrets());
    const user = secret.user ?? redshift.user;
    if (!user) {
      throw new CliError(
        `redshift.secretArn ${redshift.secretArn}: the secret names no "username"; set redshift.user (REDSHIFT_USER)`,
        ExitCode.cannotRun,
        'SECRET_UNREADABLE',
      );
    }
    return { user, password: secret.password };
  }
  if (redshift.workgroup) {
    // Serverless: the database user is derived from the caller's IAM identity (IAM:<name> or IAMR:<role>).
    return temporarySignIn(
      `Redshift Serverless GetCredentials for workgroup ${redshift.workgroup}`,
      () =>
        apis.serverless().send(
          new GetCredentialsCommand({
            workgroupName: redshift.workgroup,
            dbName: redshift.database,
            durationSeconds: CREDENTIAL_SECONDS,
          }),
        ),
      (answer) => ({ user: answer.dbUser, password: answer.dbPassword, expiresAt: answer.expiration }),
    );
  }
  if (auth === 'iam-identity') {
    return temporarySignIn(
      `Redshift GetClusterCredentialsWithIAM for cluster ${redshift.clusterId}`,
      () =>
        apis.redshift().send(
          new GetClusterCredentialsWithIAMCommand({
            ClusterIdentifier: redshift.clusterId,
            DbName: redshift.database,
            DurationSeconds: CREDENTIAL_SECONDS,
          }),
        ),
      (answer) => ({ user: answer.DbUser, password: answer.DbPassword, expiresAt: answer.Expiration }),
    );
  }
  // The answer's DbUser carries the IAM: prefix the cluster expects at sign-in.
  return temporarySignIn(
    `Redshift GetClusterCredentials for user ${redshift.user} on cluster ${redshift.clusterId}`,
    () =>
      apis.redshift().send(
        new GetClusterCredentialsCommand({
          ClusterIdentifier: redshift.clusterId,
          DbUser: redshift.user,
          DbName: redshift.database,
          DurationSeconds: CREDENTIAL_SECONDS,
          // The user must exist: creating users is the administrator's decision, not a loader's side effect.
          AutoCreate: false,
        }),
      ),
    (answer) => ({ user: answer.DbUser, password: answer.DbPassword, expiresAt: answer.Expiration }),
  );
}

/** One temporary-credentials call: its failure and an incomplete answer are both reported naming the call. */
async function temporarySignIn<Answer>(
  what: string,
  send: () => Promise<Answer>,
  read: (answer: Answer) => { user?: string; password?: string; expiresAt?: Date },
): Promise<SignIn> {
  const answer = await send().catch((error: unknown) => {
    throw apiFailure(what, error);
  });
  const { user, password, expiresAt } = read(answer);
  return {
    user: required(user, what),
    password: required(password, what),
    ...(expiresAt ? { expiresAt } : {}),
  };
}

/** A short, printable name of the sign-in method (never the credentials themselves). */
export function describeSignIn(redshift: RedshiftSettings): string {
  const auth = redshiftAuthOf(redshift);
  if (auth === 'password') return 'password';
  if (auth === 'secret') return 'Secrets Manager secret';
  if (redshift.workgroup) return 'IAM (GetCredentials)';
  return auth === 'iam-identity' ? 'IAM (GetClusterCredentialsWithIAM)' : 'IAM (GetClusterCredentials)';
}
