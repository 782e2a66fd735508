import { describe, expect, it } from 'vitest';
import { connectionOf } from '@sparkify/infra';
import { connectionConfig } from './infra-config-file.js';

// Outputs as DescribeStacks returned them for a deployed stack of each shape (account and ids made up).
const SERVERLESS_OUTPUTS = {
  WarehouseShape: 'serverless',
  EndpointAddress: 'sparkify-dev.123456789012.us-west-2.redshift-serverless.amazonaws.com',
  EndpointPort: '5439',
  DatabaseName: 'dev',
  AdminUser: 'sparkify_admin',
  CopyRoleArn: 'arn:aws:iam::123456789012:role/sparkify-dev-CopyRoleA4EADB21-Q1w2E3r4T5y6',
  WorkgroupName: 'sparkify-dev',
  Region: 'us-west-2',
  BaseCapacity: '8',
  PubliclyAccessible: 'false',
};
const SECRET =
  'arn:aws:secretsmanager:us-west-2:123456789012:secret:redshift!sparkify-dev-sparkify_admin-AbCdEf';

describe('connectionConfig', () => {
  it('writes a Serverless connection that signs in with the secret, keeping the rest of the file', () => {
    const existing = {
      target: 'postgres',
      redshift: {
        host: 'old.example',
        database: 'dwh',
        user: 'dwhuser',
        password: 'old-password',
        tls: 'verify',
      },
      s3: { source: 's3://udacity-dend/' },
    };
    const written = JSON.stringify(
      connectionConfig(existing, connectionOf(SERVERLESS_OUTPUTS), {
        secretArn: SECRET,
        manifestPrefix: 's3://team/manifests/',
      }),
      null,
      2,
    );
    expect(written).toBe(`{
  "target": "redshift",
  "redshift": {
    "host": "sparkify-dev.123456789012.us-west-2.redshift-serverless.amazonaws.com",
    "port": 5439,
    "database": "dev",
    "user": "sparkify_admin",
    "auth": "secret",
    "secretArn": "${SECRET}",
    "workgroup": "sparkify-dev",
    "tls": "verify"
  },
  "s3": {
    "source": "s3://udacity-dend/",
    "manifestPrefix": "s3://team/manifests/"
  },
  "region": "us-west-2",
  "iamRoleArn": "arn:aws:iam::123456789012:role/sparkify-dev-CopyRoleA4EADB21-Q1w2E3r4T5y6"
}`);
    expect(written).not.toContain('password');
  });

  it('writes a provisioned cluster id instead of a workgroup', () => {
    const outputs = {
      ...SERVERLESS_OUTPUTS,
      WorkgroupName: '',
      ClusterId: 'sparkify-dev',
      EndpointAddress: 'sparkify-dev.abc123xyz.us-west-2.redshift.amazonaws.com',
    };
    const written = connectionConfig({}, connectionOf(outputs), { secretArn: SECRET }) as {
      redshift: Record<string, unknown>;
    };
    expect(written.redshift).toEqual({
      host: 'sparkify-dev.abc123xyz.us-west-2.redshift.amazonaws.com',
      port: 5439,
      database: 'dev',
      user: 'sparkify_admin',
      auth: 'secret',
      secretArn: SECRET,
      clusterId: 'sparkify-dev',
    });
  });
});
