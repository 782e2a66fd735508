import { folderSink, generateDataset } from '@sparkify/generator';
import { migrateTo } from '@sparkify/schema';
import {
  createTestDatabase,
  type S3FaultProxy,
  startS3FaultProxy,
  startTestS3,
  type TestDatabase,
  type TestS3,
  uploadFolder,
} from '@sparkify/testkit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { removeTempFolders, runSparkify, s3LoadEnv, tempFolder } from './run-sparkify.js';

let s3: TestS3;
let proxy: S3FaultProxy;
const databases: TestDatabase[] = [];
const DAY = 'log_data/2018/11/2018-11-02-events.json';

beforeAll(async () => {
  s3 = await startTestS3();
  proxy = await startS3FaultProxy(s3.endpoint);
  const data = tempFolder('sparkify-s3-faults-data-');
  await generateDataset({ songs: 10, events: 200, days: 2, seed: 4 }, folderSink(data));
  await s3.createBucket('faults');
  await uploadFolder(s3.client, 'faults', 'data/', data);
});
afterAll(async () => {
  await proxy.stop();
  await s3.stop();
  for (const db of databases) await db.drop();
  removeTempFolders();
});

async function loadEnv(): Promise<Record<string, string>> {
  const db = await createTestDatabase(inject('pgUrl'), 'cli_s3_faults');
  await migrateTo(db.knex, { dialect: 'postgres' });
  databases.push(db);
  return s3LoadEnv(db.url, s3, proxy.endpoint, 'sparkify-s3-faults-home-');
}

describe('S3 faults through `sparkify load`', () => {
  it('503 SlowDown and a dropped connection are retried with backoff; the load succeeds and says so', async () => {
    proxy.clearRules();
    proxy.addRule({
      method: 'GET',
      path: /^\/faults\/?$/,
      query: /list-type=2/,
      times: 1,
      fault: { kind: 'error', status: 503, code: 'SlowDown' },
    });
    proxy.addRule({
      method: 'GET',
      path: new RegExp(`^/faults/data/${DAY}$`),
      times: 1,
      fault: { kind: 'reset' },
    });
    const run = await runSparkify(['load', '--source', 's3://faults/data/'], { env: await loadEnv() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Loaded: /m);
    expect(run.stdout).toMatch(/[2-9]\d* S3 requests were retried\./);
    const json = await runSparkify(['load', '--source', 's3://faults/data/', '--json'], {
      env: await loadEnv(),
    });
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'succeeded', retries: 0 });
  });

  it('403 on the bucket: exit 2 naming bucket and prefix', async () => {
    proxy.clearRules();
    proxy.addRule({ path: /^\/faults\/?$/, fault: { kind: 'error', status: 403, code: 'AccessDenied' } });
    const run = await runSparkify(['load', '--source', 's3://faults/data/'], { env: await loadEnv() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('listing s3://faults/data/song_data/: access denied');
    expect(run.stdout).toBe('');
  });

  it('403 on an object: exit 2 naming bucket and key', async () => {
    proxy.clearRules();
    proxy.addRule({
      method: 'GET',
      path: new RegExp(`^/faults/data/${DAY}$`),
      fault: { kind: 'error', status: 403, code: 'AccessDenied' },
    });
    const run = await runSparkify(['load', '--source', 's3://faults/data/'], { env: await loadEnv() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`s3://faults/data/${DAY}: access denied`);
  });

  it('404 on the bucket: exit 2 naming the bucket', async () => {
    proxy.clearRules();
    const run = await runSparkify(['load', '--source', 's3://no-such-bucket-here/data/'], {
      env: await loadEnv(),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('s3://no-such-bucket-here/data/song_data/: the bucket does not exist');
  });
});
