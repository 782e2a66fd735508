import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempFolders, runSparkify, tempFolder } from './run-sparkify.js';

const DWH_CFG = `; a classic dwh.cfg, as the Python project ships it
[CLUSTER]
HOST='dwhcluster.abc123.us-west-2.redshift.amazonaws.com'
DB_NAME="dwh"
db_user=dwhuser
DB_PASSWORD='CanaryDwhPassw0rd'
DB_PORT=5439

[IAM_ROLE]
ARN='arn:aws:iam::123456789012:role/dwhRole'

# S3 locations
[S3]
LOG_DATA='s3://udacity-dend/log_data'
LOG_JSONPATH='s3://udacity-dend/log_json_path.json'
SONG_DATA='s3://udacity-dend/song_data'

[AWS]
KEY=AKIAEXAMPLEKEYID
SECRET=CanaryCfgAwsSecret
`;

afterAll(removeTempFolders);

interface ConfigJson {
  config: Record<string, unknown> & { redshift?: Record<string, unknown>; s3?: Record<string, unknown> };
  sources: Record<string, string>;
}

async function configJson(args: string[], env: Record<string, string>, cwd: string): Promise<ConfigJson> {
  const run = await runSparkify([...args, 'config', '--json'], { env, cwd });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as ConfigJson;
}

describe('sparkify config', () => {
  it('uses defaults when nothing is set: postgres target, ./.sparkify home', async () => {
    const cwd = tempFolder('sparkify-cfg-');
    const { config, sources } = await configJson([], {}, cwd);
    expect(config.target).toBe('postgres');
    expect(config.home).toBe(join(cwd, '.sparkify'));
    expect(sources.target).toBe('default');
    expect(config.databaseUrl).toBeUndefined();
  });

  it('resolves flags over environment over config file over defaults, and says where each value came from', async () => {
    const cwd = tempFolder('sparkify-cfg-');
    writeFileSync(
      join(cwd, 'sparkify.config.json'),
      JSON.stringify({
        target: 'redshift',
        region: 'eu-west-1',
        s3: { source: 's3://from-file/data' },
        home: 'file-home',
      }),
    );
    const env = {
      SPARKIFY_TARGET: 'postgres',
      AWS_REGION: 'us-east-2',
      SPARKIFY_HOME: join(cwd, 'env-home'),
    };

    const fileOnly = await configJson([], {}, cwd);
    expect(fileOnly.config.target).toBe('redshift');
    expect(fileOnly.config.region).toBe('eu-west-1');
    expect(fileOnly.config.home).toBe(join(cwd, 'file-home'));
    expect(fileOnly.sources.region).toBe('sparkify.config.json region');

    const withEnv = await configJson([], env, cwd);
    expect(withEnv.config.target).toBe('postgres');
    expect(withEnv.config.region).toBe('us-east-2');
    expect(withEnv.config.home).toBe(join(cwd, 'env-home'));
    expect(withEnv.config.s3?.source).toBe('s3://from-file/data');
    expect(withEnv.sources.target).toBe('env SPARKIFY_TARGET');

    const withFlag = await configJson(['--target', 'redshift'], env, cwd);
    expect(withFlag.config.target).toBe('redshift');
    expect(withFlag.sources.target).toBe('flag --target');
    expect(withFlag.config.region).toBe('us-east-2');
  });

  it('accepts a classic dwh.cfg as is and takes the redshift target from it', async () => {
    const cwd = tempFolder('sparkify-cfg-');
    writeFileSync(join(cwd, 'dwh.cfg'), DWH_CFG);
    const { config, sources } = await configJson(['--config', 'dwh.cfg'], {}, cwd);
    expect(config.target).toBe('redshift');
    expect(config.redshift).toEqual({
      host: 'dwhcluster.abc123.us-west-2.redshift.amazonaws.com',
      port: 5439,
      database: 'dwh',
      user: 'dwhuser',
      password: '***',
      tls: 'verify',
    });
    expect(config.iamRoleArn).toBe('arn:aws:iam::123456789012:role/dwhRole');
    expect(config.s3).toEqual({
      logData: 's3://udacity-dend/log_data',
      logJsonPath: 's3://udacity-dend/log_json_path.json',
      songData: 's3://udacity-dend/song_data',
    });
    expect(sources['redshift.user']).toBe('dwh.cfg [CLUSTER] DB_USER');

    // A flag still wins over what the file implies.
    const overridden = await configJson(['--config', 'dwh.cfg', '--target', 'postgres'], {}, cwd);
    expect(overridden.config.target).toBe('postgres');
  });

  it('reports every invalid value on its own line naming the key, and exits 2', async () => {
    const cwd = tempFolder('sparkify-cfg-');
    const run = await runSparkify(['config'], {
      cwd,
      env: {
        REDSHIFT_HOST: 'cluster.example',
        REDSHIFT_DATABASE: 'dev',
        REDSHIFT_USER: 'dwhuser',
        REDSHIFT_PASSWORD: 'x-password',
        AWS_REGION: 'moon-1',
        REDSHIFT_PORT: 'not-a-port',
        SPARKIFY_IAM_ROLE_ARN: 'role/x',
        SPARKIFY_TARGET: 'oracle',
      },
    });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(run.stderr).toContain(
      'region (env AWS_REGION): expected an AWS region like us-west-2, got "moon-1"',
    );
    expect(run.stderr).toMatch(
      /redshift\.port \(env REDSHIFT_PORT\): expected a port number.*got "not-a-port"/,
    );
    expect(run.stderr).toMatch(/iamRoleArn \(env SPARKIFY_IAM_ROLE_ARN\): expected an IAM role ARN/);
    expect(run.stderr).toMatch(
      /target \(env SPARKIFY_TARGET\): expected one of postgres, redshift, got "oracle"/,
    );
  });

  it('asks for the rest of the Redshift connection when only part of it is given', async () => {
    const run = await runSparkify(['config'], {
      cwd: tempFolder('sparkify-cfg-'),
      env: { REDSHIFT_HOST: 'cluster.example' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/redshift\.database: expected a database name .*got nothing/);
    expect(run.stderr).toMatch(/redshift\.user: expected a user name/);
    expect(run.stderr).toMatch(/redshift\.password: expected a password/);
  });

  it('takes a Secrets Manager secret ARN instead of a password, with the workgroup it belongs to', async () => {
    const secretArn = 'arn:aws:secretsmanager:us-west-2:123456789012:secret:redshift!sparkify-admin-AbCdEf';
    const run = await runSparkify(['config', '--json'], {
      cwd: tempFolder('sparkify-cfg-'),
      env: {
        REDSHIFT_HOST: 'wg.123456789012.us-west-2.redshift-serverless.amazonaws.com',
        REDSHIFT_DATABASE: 'dev',
        REDSHIFT_USER: 'admin',
        REDSHIFT_SECRET_ARN: secretArn,
        REDSHIFT_WORKGROUP: 'sparkify-dev',
      },
    });
    expect(run.code).toBe(0);
    const shown = JSON.parse(run.stdout) as { config: { redshift: Record<string, unknown> } };
    expect(shown.config.redshift).toMatchObject({ secretArn, workgroup: 'sparkify-dev', user: 'admin' });
    expect(shown.config.redshift.password).toBeUndefined();
  });

  it('rejects unknown keys in a JSON config file and names them', async () => {
    const cwd = tempFolder('sparkify-cfg-');
    writeFileSync(
      join(cwd, 'bad.json'),
      JSON.stringify({ target: 'postgres', regoin: 'us-west-2', s3: { bucket: 'x' } }),
    );
    const run = await runSparkify(['--config', 'bad.json', 'config'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('regoin (bad.json regoin): not a setting');
    expect(run.stderr).toContain('s3.bucket (bad.json s3.bucket): not a setting');
  });

  it('explains a missing config file instead of failing obscurely', async () => {
    const run = await runSparkify(['--config', 'nope.cfg', 'config'], { cwd: tempFolder('sparkify-cfg-') });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('config file nope.cfg: cannot read it (no such file)');
  });
});

describe('secrets never reach output', () => {
  const canaries = {
    url: 'CanaryUrlPassw0rd',
    cfg: 'CanaryDwhPassw0rd',
    cfgAws: 'CanaryCfgAwsSecret',
    aws: 'CanaryAwsSecretKey',
    token: 'CanarySessionTok3n',
    redshift: 'CanaryRedshiftPw',
  };
  const env = {
    DATABASE_URL: `postgres://loader:${canaries.url}@127.0.0.1:1/warehouse`,
    AWS_SECRET_ACCESS_KEY: canaries.aws,
    AWS_SESSION_TOKEN: canaries.token,
  };

  function expectNoCanary(text: string): void {
    for (const canary of Object.values(canaries)) expect(text).not.toContain(canary);
  }

  it('config and config --json show *** for every secret', async () => {
    const cwd = tempFolder('sparkify-secret-');
    writeFileSync(join(cwd, 'dwh.cfg'), DWH_CFG);
    for (const args of [
      ['config'],
      ['config', '--json'],
      ['--config', 'dwh.cfg', 'config'],
      ['--config', 'dwh.cfg', 'config', '--json'],
    ]) {
      const run = await runSparkify(args, { env, cwd });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('***');
      expectNoCanary(run.stdout + run.stderr);
    }
    const withRedshiftEnv = await runSparkify(['--target', 'redshift', 'config'], {
      cwd,
      env: {
        ...env,
        REDSHIFT_HOST: 'h.example',
        REDSHIFT_DATABASE: 'd',
        REDSHIFT_USER: 'u',
        REDSHIFT_PASSWORD: canaries.redshift,
      },
    });
    expect(withRedshiftEnv.code).toBe(0);
    expectNoCanary(withRedshiftEnv.stdout + withRedshiftEnv.stderr);
  });

  it('error output hides them: a connection failure and an invalid configuration', async () => {
    const cwd = tempFolder('sparkify-secret-');
    writeFileSync(join(cwd, 'dwh.cfg'), DWH_CFG);
    const refused = await runSparkify(['migrate', 'status'], { env, cwd });
    expect(refused.code).toBe(2);
    expectNoCanary(refused.stdout + refused.stderr);

    const invalid = await runSparkify(['--config', 'dwh.cfg', 'config'], {
      cwd,
      env: { ...env, DATABASE_URL: `mysql://root:${canaries.url}@h/db`, REDSHIFT_PORT: '0' },
    });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('databaseUrl (env DATABASE_URL)');
    expect(invalid.stderr).toContain('redshift.port (env REDSHIFT_PORT)');
    expectNoCanary(invalid.stdout + invalid.stderr);
  });

  it('migrate --dry-run output hides them', async () => {
    const cwd = tempFolder('sparkify-secret-');
    writeFileSync(join(cwd, 'dwh.cfg'), DWH_CFG);
    for (const args of [
      ['migrate', '--dry-run'],
      ['--config', 'dwh.cfg', 'migrate', '--dry-run', '--json'],
    ]) {
      const run = await runSparkify(args, { env, cwd });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('CREATE TABLE');
      expectNoCanary(run.stdout + run.stderr);
    }
  });
});
