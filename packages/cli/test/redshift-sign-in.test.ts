import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConfig } from '../src/config/build-config.js';
import { envLayer, flagLayer, iniLayer, mergeLayers, defaultLayer } from '../src/config/config-layers.js';
import { parseIni } from '../src/config/parse-ini.js';
import { CliError } from '../src/errors.js';
import { fetchSignIn, redshiftApisFor, resolveRedshiftEndpoint } from '../src/redshift-credentials.js';
import { type ScriptedAws, startScriptedAws } from './scripted-aws.js';

let aws: ScriptedAws;
const expiration = new Date('2026-12-01T13:00:00Z');

beforeAll(async () => {
  // The SDK signs every request; the scripted service does not check signatures.
  process.env.AWS_ACCESS_KEY_ID = 'AKIDSCRIPTED';
  process.env.AWS_SECRET_ACCESS_KEY = 'scripted-secret';
  aws = await startScriptedAws({
    // Redshift API reference, GetClusterCredentials: DbUser comes back prefixed IAM: (AutoCreate false).
    GetClusterCredentials: (params) => ({
      DbUser: `IAM:${String(params.DbUser)}`,
      DbPassword: 'tmp-password-provisioned',
      Expiration: expiration.toISOString(),
    }),
    GetClusterCredentialsWithIAM: () => ({
      DbUser: 'IAMR:loader-role',
      DbPassword: 'tmp-password-identity',
      Expiration: expiration.toISOString(),
      NextRefreshTime: expiration.toISOString(),
    }),
    DescribeClusters: (params) => {
      if (params.ClusterIdentifier !== 'dwh-cluster') {
        throw Object.assign(new Error(`Cluster ${String(params.ClusterIdentifier)} not found.`), {
          name: 'ClusterNotFound',
        });
      }
      return {
        Clusters: {
          Cluster: { ClusterIdentifier: 'dwh-cluster', Endpoint: { Address: 'dwh.example', Port: 5440 } },
        },
      };
    },
    // Redshift Serverless API reference: GetCredentials answers dbUser, dbPassword, expiration (epoch seconds).
    GetCredentials: () => ({
      dbUser: 'IAMR:loader-role',
      dbPassword: 'tmp-password-serverless',
      expiration: expiration.getTime() / 1000,
      nextRefreshTime: expiration.getTime() / 1000,
    }),
    GetWorkgroup: (params) => ({
      workgroup: {
        workgroupName: params.workgroupName,
        endpoint: { address: 'wg.123456789012.us-west-2.redshift-serverless.amazonaws.com', port: 5439 },
      },
    }),
    GetSecretValue: (params) => ({
      ARN: params.SecretId,
      Name: 'dwh',
      SecretString: JSON.stringify({ username: 'loader', password: 'secret-password' }),
    }),
  });
});
afterAll(() => aws.stop());

function resolve(env: Record<string, string>, flags: Record<string, string> = {}, ini = '') {
  const layers = [defaultLayer('/tmp')];
  if (ini) layers.push(iniLayer(parseIni(ini), 'dwh.cfg'));
  layers.push(envLayer(env), flagLayer(flags));
  return buildConfig(mergeLayers(layers), '/tmp').config;
}

const endpoints = () => ({
  AWS_ENDPOINT_URL_REDSHIFT: aws.endpoint,
  AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS: aws.endpoint,
  AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.endpoint,
});

describe('Redshift sign-in without a static password', () => {
  it('provisioned, iam: GetClusterCredentials for the configured user, endpoint from DescribeClusters', async () => {
    const config = resolve({
      REDSHIFT_CLUSTER_ID: 'dwh-cluster',
      REDSHIFT_DATABASE: 'dev',
      REDSHIFT_USER: 'loader',
    });
    expect(config.redshift?.host).toBeUndefined();
    const apis = redshiftApisFor(config, endpoints());
    expect(await resolveRedshiftEndpoint(config.redshift!, apis)).toEqual({
      host: 'dwh.example',
      port: 5440,
    });
    aws.calls.splice(0);
    expect(await fetchSignIn(config.redshift!, apis)).toEqual({
      user: 'IAM:loader',
      password: 'tmp-password-provisioned',
      expiresAt: expiration,
    });
    expect(aws.calls).toEqual([
      {
        operation: 'GetClusterCredentials',
        params: expect.objectContaining({
          ClusterIdentifier: 'dwh-cluster',
          DbUser: 'loader',
          DbName: 'dev',
          DurationSeconds: '900',
          AutoCreate: 'false',
        }) as unknown,
      },
    ]);
  });

  it('provisioned, iam-identity: GetClusterCredentialsWithIAM, the user is the IAM identity', async () => {
    const config = resolve(
      { REDSHIFT_DATABASE: 'dev' },
      { clusterId: 'dwh-cluster', redshiftAuth: 'iam-identity' },
    );
    aws.calls.splice(0);
    const signIn = await fetchSignIn(config.redshift!, redshiftApisFor(config, endpoints()));
    expect(signIn.user).toBe('IAMR:loader-role');
    expect(aws.calls.map((call) => call.operation)).toEqual(['GetClusterCredentialsWithIAM']);
    expect(aws.calls[0]!.params).toMatchObject({ ClusterIdentifier: 'dwh-cluster', DbName: 'dev' });
  });

  it('Serverless: workgroup + database; GetCredentials for the workgroup, endpoint from GetWorkgroup', async () => {
    const config = resolve({ REDSHIFT_WORKGROUP: 'sparkify', REDSHIFT_DATABASE: 'dev' });
    const apis = redshiftApisFor(config, endpoints());
    aws.calls.splice(0);
    expect(await resolveRedshiftEndpoint(config.redshift!, apis)).toEqual({
      host: 'wg.123456789012.us-west-2.redshift-serverless.amazonaws.com',
      port: 5439,
    });
    expect(await fetchSignIn(config.redshift!, apis)).toEqual({
      user: 'IAMR:loader-role',
      password: 'tmp-password-serverless',
      expiresAt: expiration,
    });
    expect(aws.calls).toEqual([
      { operation: 'GetWorkgroup', params: { workgroupName: 'sparkify' } },
      {
        operation: 'GetCredentials',
        params: { workgroupName: 'sparkify', dbName: 'dev', durationSeconds: 900 },
      },
    ]);
  });

  it('a Secrets Manager secret: username and password from its JSON (dwh.cfg [CLUSTER] SECRET_ARN)', async () => {
    const arn = 'arn:aws:secretsmanager:us-west-2:123456789012:secret:dwh-AbCdEf';
    const config = resolve({}, {}, `[CLUSTER]\nHOST=dwh.example\nDB_NAME=dev\nSECRET_ARN=${arn}\n`);
    aws.calls.splice(0);
    expect(await fetchSignIn(config.redshift!, redshiftApisFor(config, endpoints()))).toEqual({
      user: 'loader',
      password: 'secret-password',
    });
    expect(aws.calls).toEqual([{ operation: 'GetSecretValue', params: { SecretId: arn } }]);
  });

  it('a dwh.cfg password still works and calls no AWS API', async () => {
    const config = resolve({}, {}, '[CLUSTER]\nHOST=dwh.example\nDB_NAME=dev\nDB_USER=u\nDB_PASSWORD=pw\n');
    aws.calls.splice(0);
    expect(await fetchSignIn(config.redshift!, redshiftApisFor(config, endpoints()))).toEqual({
      user: 'u',
      password: 'pw',
    });
    expect(aws.calls).toEqual([]);
  });

  it('an AWS refusal is a CliError naming the API and the cluster, with the AWS error name', async () => {
    const config = resolve({ REDSHIFT_CLUSTER_ID: 'no-such', REDSHIFT_DATABASE: 'dev', REDSHIFT_USER: 'u' });
    const failure = await resolveRedshiftEndpoint(
      config.redshift!,
      redshiftApisFor(config, endpoints()),
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CliError);
    expect((failure as CliError).message).toMatch(
      /DescribeClusters for cluster no-such failed: ClusterNotFound/,
    );
  });

  it('configuration errors name what is missing for the chosen sign-in', () => {
    expect(() => resolve({ REDSHIFT_DATABASE: 'dev', REDSHIFT_USER: 'u' })).toThrow(
      /redshift\.host.*workgroup.*cluster id/,
    );
    expect(() => resolve({ REDSHIFT_HOST: 'h', REDSHIFT_DATABASE: 'dev', REDSHIFT_AUTH: 'secret' })).toThrow(
      /redshift\.secretArn/,
    );
    expect(() => resolve({ REDSHIFT_HOST: 'h', REDSHIFT_DATABASE: 'dev', REDSHIFT_USER: 'u' })).toThrow(
      /redshift\.password: expected a password \(or REDSHIFT_CLUSTER_ID/,
    );
    expect(() => resolve({ REDSHIFT_CLUSTER_ID: 'c', REDSHIFT_DATABASE: 'dev' })).toThrow(
      /redshift\.user: expected the database user GetClusterCredentials signs in as/,
    );
    expect(resolve({ SPARKIFY_COPY_REGION: 'us-west-2' }).copyRegion).toBe('us-west-2');
    expect(resolve({}, { copyRegion: 'eu-west-1' }).copyRegion).toBe('eu-west-1');
    expect(resolve({}, {}, '[S3]\nREGION=us-west-2\n').copyRegion).toBe('us-west-2');
  });
});
