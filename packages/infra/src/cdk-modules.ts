import { createRequire } from 'node:module';

// aws-cdk-lib is CommonJS. An ESM `import { App } from 'aws-cdk-lib'` makes Node lex every re-exported module
// to find the named exports (about 3 s, more on a busy machine); require() loads the same modules lazily in
// ~0.1 s, which keeps `sparkify infra plan` quick.
const require = createRequire(import.meta.url);

/** The aws-cdk-lib core (App, Stack, Tags, Fn, …). */
export const cdk = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
/** aws-cdk-lib/aws-ec2. */
export const ec2 = require('aws-cdk-lib/aws-ec2') as typeof import('aws-cdk-lib/aws-ec2');
/** aws-cdk-lib/aws-iam. */
export const iam = require('aws-cdk-lib/aws-iam') as typeof import('aws-cdk-lib/aws-iam');
/** aws-cdk-lib/aws-kms. */
export const kms = require('aws-cdk-lib/aws-kms') as typeof import('aws-cdk-lib/aws-kms');
/** aws-cdk-lib/aws-logs. */
export const logs = require('aws-cdk-lib/aws-logs') as typeof import('aws-cdk-lib/aws-logs');
/** aws-cdk-lib/aws-redshift. */
export const redshift = require('aws-cdk-lib/aws-redshift') as typeof import('aws-cdk-lib/aws-redshift');
/** aws-cdk-lib/aws-redshiftserverless. */
export const serverless =
  require('aws-cdk-lib/aws-redshiftserverless') as typeof import('aws-cdk-lib/aws-redshiftserverless');
