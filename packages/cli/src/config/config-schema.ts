import { z } from 'zod';

/** How the Redshift connection uses TLS: verify the certificate (default), encrypt without verifying, or plain. */
export const tlsModes = ['verify', 'no-verify', 'off'] as const;
export type TlsMode = (typeof tlsModes)[number];

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
        host: z
          .string({ error: 'a host name (required when any Redshift setting is given)' })
          .min(1, 'a host name'),
        port: port.default(5439),
        database: z.string({ error: 'a database name (required when any Redshift setting is given)' }).min(1),
        user: z.string({ error: 'a user name (required when any Redshift setting is given)' }).min(1),
        password: z.string().min(1).optional(),
        /** A Secrets Manager secret holding the password (JSON with `password`, as Redshift's managed secrets). */
        secretArn: z
          .string()
          .regex(
            /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@!-]+$/,
            'a Secrets Manager secret ARN like arn:aws:secretsmanager:us-west-2:123456789012:secret:name-AbCdEf',
          )
          .optional(),
        /** The Serverless workgroup this endpoint belongs to (written by `sparkify infra up`). */
        workgroup: z
          .string()
          .regex(/^[a-z0-9-]{3,64}$/, 'a workgroup name: 3-64 lower-case letters, digits, hyphens')
          .optional(),
        /** The provisioned cluster identifier this endpoint belongs to (written by `sparkify infra up`). */
        clusterId: z
          .string()
          .regex(/^[a-z][a-z0-9-]{0,62}$/, 'a cluster identifier: lower-case letters, digits, hyphens')
          .optional(),
        /** TLS with certificate verification unless explicitly turned off. */
        tls: z.enum(tlsModes, { error: 'one of verify, no-verify, off' }).default('verify'),
      })
      .strict()
      .superRefine(
        (redshift, issues) => {
          if (redshift.password === undefined && redshift.secretArn === undefined)
            issues.addIssue({
              code: 'custom',
              path: ['password'],
              message: 'a password, or redshift.secretArn naming a Secrets Manager secret that holds it',
            });
          // Reported with the other missing connection values, not only once they are fixed.
        },
        { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
      )
      .optional(),
    iamRoleArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\-/]{1,512}$/,
        'an IAM role ARN like arn:aws:iam::123456789012:role/name',
      )
      .optional(),
    region: z
      .string()
      .regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, 'an AWS region like us-west-2')
      .optional(),
    s3: z
      .object({
        /** s3://bucket/prefix or a local folder holding song_data/ and log_data/. */
        source: z.string().min(1).optional(),
        songData: z.string().min(1).optional(),
        logData: z.string().min(1).optional(),
        /** A JSONPaths file for the events COPY; generated from the catalog when absent. */
        logJsonPath: z.string().min(1).optional(),
        /** Where the redshift target writes manifests and the generated JSONPaths file. */
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
    /** The folder of the embedded database and local state (default ./.sparkify, SPARKIFY_HOME). */
    home: z.string().min(1),
  })
  .strict();

export type SparkifyConfig = z.infer<typeof configSchema>;
