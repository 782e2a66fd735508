import { z } from 'zod';

/** How the Redshift connection uses TLS: verify the certificate (default), encrypt without verifying, or plain. */
export const tlsModes = ['verify', 'no-verify', 'off'] as const;
export type TlsMode = (typeof tlsModes)[number];

/** How the CLI signs in to Redshift; see `redshift.auth`. */
export const redshiftAuthModes = ['password', 'iam', 'iam-identity', 'secret'] as const;
export type RedshiftAuth = (typeof redshiftAuthModes)[number];

const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/** The auth mode a Redshift configuration means: the explicit one, else password, secret or IAM by what is set. */
export function redshiftAuthOf(redshift: {
  auth?: RedshiftAuth | undefined;
  password?: string | undefined;
  secretArn?: string | undefined;
  clusterId?: string | undefined;
  workgroup?: string | undefined;
}): RedshiftAuth {
  if (redshift.auth) return redshift.auth;
  if (redshift.password) return 'password';
  if (redshift.secretArn) return 'secret';
  return redshift.clusterId || redshift.workgroup ? 'iam' : 'password';
}

const port = z
  .number({ error: 'a port number from 1 to 65535' })
  .int('a port number from 1 to 65535')
  .min(1, 'a port number from 1 to 65535')
  .max(65535, 'a port number from 1 to 65535');

/**
 * The resolved configuration every command receives. Sources, highest first: command-line flags, environment,
 * config file (`--config`, JSON or a classic dwh.cfg INI), defaults. Secrets are listed by `secretsOf`.
 */
export const configSchema = z
  .object({
    target: z.enum(['postgres', 'redshift'], { error: 'one of postgres, redshift' }).default('postgres'),
    /** PostgreSQL (or Redshift) URL; when absent on the postgres target the embedded server is used. */
    databaseUrl: z
      .string()
      .regex(
        /^(postgres|postgresql|redshift):\/\/\S+$/i,
        'a URL like postgres://user:password@host:5432/database',
      )
      .optional(),
    redshift: z
      .object({
        /** The endpoint; looked up from the workgroup (Serverless) or cluster id (provisioned) when absent. */
        host: z.string().min(1, 'a host name').optional(),
        port: port.default(5439),
        // Required (checked below with the rest, so that one run names every missing value).
        database: z.string().min(1, 'a database name').optional(),
        /** The database user (password and `iam` auth on a provisioned cluster; Serverless derives it). */
        user: z.string().min(1, 'a user name').optional(),
        password: z.string().min(1, 'a password').optional(),
        /**
         * How the CLI gets database credentials: a static `password` (dwh.cfg), `iam` (GetClusterCredentials for
         * `user` on a provisioned cluster, GetCredentials on a Serverless workgroup), `iam-identity`
         * (GetClusterCredentialsWithIAM: the database user is the caller's IAM identity), or `secret` (a
         * Secrets Manager secret holding username and password). Default: password when one is given, secret
         * when a secret ARN is given, iam when a cluster id or workgroup is given, else password.
         */
        auth: z.enum(redshiftAuthModes, { error: 'one of password, iam, iam-identity, secret' }).optional(),
        /** A provisioned cluster's identifier (IAM auth, and the endpoint lookup when host is absent). */
        clusterId: z
          .string()
          .regex(/^[a-z][a-z0-9-]{0,62}$/, 'a cluster identifier like redshift-cluster-1')
          .optional(),
        /** A Redshift Serverless workgroup name: makes the target Serverless. */
        workgroup: z
          .string()
          .regex(/^[a-z0-9-]{3,64}$/, 'a workgroup name like default-workgroup')
          .optional(),
        /**
         * A Secrets Manager secret whose JSON holds `password` (and `username`, else `user` is used), as Redshift's
         * managed secrets do; read at connect time, never stored.
         */
        secretArn: z
          .string()
          .regex(
            /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@!-]+$/,
            'a Secrets Manager secret ARN like arn:aws:secretsmanager:us-west-2:123456789012:secret:name-AbCdEf',
          )
          .optional(),
        /** TLS with certificate verification unless explicitly turned off. */
        tls: z.enum(tlsModes, { error: 'one of verify, no-verify, off' }).default('verify'),
      })
      .strict()
      .superRefine((redshift, context) => {
        const need = (path: string, message: string) =>
          context.addIssue({ code: 'custom', path: [path], message });
        if (!redshift.database)
          need('database', 'a database name (required when any Redshift setting is given)');
        if (!redshift.host && !redshift.workgroup && !redshift.clusterId) {
          need('host', 'a host name, a workgroup (Serverless) or a cluster id (provisioned)');
        }
        const auth = redshiftAuthOf(redshift);
        if (auth === 'password' && !redshift.password) {
          need('password', 'a password (or REDSHIFT_CLUSTER_ID / REDSHIFT_WORKGROUP for IAM sign-in)');
        }
        if (auth === 'password' && !redshift.user) need('user', 'a user name for password authentication');
        if (auth === 'secret' && !redshift.secretArn) need('secretArn', 'a secret ARN for auth secret');
        if ((auth === 'iam' || auth === 'iam-identity') && !redshift.workgroup && !redshift.clusterId) {
          need('clusterId', 'a cluster id (provisioned) or a workgroup (Serverless) for IAM authentication');
        }
        if (auth === 'iam' && !redshift.workgroup && !redshift.user) {
          need('user', 'the database user GetClusterCredentials signs in as');
        }
        if (auth === 'iam-identity' && redshift.workgroup) {
          need(
            'auth',
            'iam on a Serverless workgroup (GetCredentials); iam-identity is for provisioned clusters',
          );
        }
      })
      .optional(),
    iamRoleArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\-/]{1,512}$/,
        'an IAM role ARN like arn:aws:iam::123456789012:role/name',
      )
      .optional(),
    region: z.string().regex(AWS_REGION, 'an AWS region like us-west-2').optional(),
    /**
     * The region of the data COPY reads (its REGION clause), which may differ from the SDK's region. Default:
     * asked of S3 (GetBucketLocation of the source bucket).
     */
    copyRegion: z.string().regex(AWS_REGION, 'an AWS region like us-west-2').optional(),
    s3: z
      .object({
        /** s3://bucket/prefix or a local folder holding song_data/ and log_data/. */
        source: z.string().min(1).optional(),
        songData: z.string().min(1).optional(),
        logData: z.string().min(1).optional(),
        /**
         * dwh.cfg's LOG_JSONPATH, accepted so that a classic dwh.cfg reads, and not used: COPY loads each record
         * whole and the warehouse's validation pass maps the keys (a load with it set says so).
         */
        logJsonPath: z.string().min(1).optional(),
        /** Where the redshift target writes its manifests. */
        manifestPrefix: z
          .string()
          .regex(/^s3:\/\/[^/]+/, 'an S3 location like s3://bucket/prefix')
          .optional(),
        /** An S3-compatible endpoint (MinIO, LocalStack, s3rver); AWS_ENDPOINT_URL_S3 sets it too. */
        endpoint: z
          .string()
          .regex(/^https?:\/\/\S+$/, 'an http(s) URL like http://127.0.0.1:9000')
          .optional(),
      })
      .strict()
      .default({}),
    /**
     * A webhook (Slack incoming webhook, Teams, any JSON endpoint) told when a load fails or a check fails or
     * warns. A secret: its path is usually the token.
     */
    notifyUrl: z
      .string()
      .regex(/^https?:\/\/\S+$/, 'an http(s) URL like https://hooks.slack.com/services/…')
      .optional(),
    /** The folder of the embedded database and local state (default ./.sparkify, SPARKIFY_HOME). */
    home: z.string().min(1),
  })
  .strict();

export type SparkifyConfig = z.infer<typeof configSchema>;
