import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EtlFileRow,
  type EtlRunRow,
  startS3FaultProxy,
  startTestS3,
  testS3Client,
  type S3FaultProxy,
  type TestS3,
  uploadFolder,
} from '@sparkify/testkit';
import { LoaderError } from '../src/index.js';
import { loadInto, migratedWarehouses, smallDataset, starSnapshot, writeFixture } from './fixtures.js';

let s3: TestS3;
let proxy: S3FaultProxy;
let faulty: S3Client;
let expected: Record<string, unknown[]>;
const freshWarehouse = migratedWarehouses('loader_hard_s3');

async function upload(bucket: string, root: string): Promise<void> {
  await s3.createBucket(bucket);
  await uploadFolder(s3.client, bucket, 'data/', root);
}

const { songFiles, dayFiles } = smallDataset();
const dataset = writeFixture({ ...songFiles, ...dayFiles });
const DAY = 'log_data/2018/11/2018-11-02-events.json';

beforeAll(async () => {
  s3 = await startTestS3();
  proxy = await startS3FaultProxy(s3.endpoint);
  faulty = testS3Client(proxy.endpoint);
  const reference = await freshWarehouse();
  await loadInto(reference.knex, { source: { source: dataset } });
  expected = await starSnapshot(reference.knex);
});
afterAll(async () => {
  faulty.destroy();
  await proxy.stop();
  await s3.stop();
});

describe('S3 throttling and dropped connections', () => {
  it('retries 503 SlowDown on listing and reading with backoff, loads everything and reports the retries', async () => {
    await upload('throttled', dataset);
    proxy.clearRules();
    proxy.addRule({
      method: 'GET',
      path: /^\/throttled\/?$/,
      query: /list-type=2/,
      times: 2,
      fault: { kind: 'error', status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' },
    });
    proxy.addRule({
      method: 'GET',
      path: new RegExp(`^/throttled/data/${DAY}$`),
      times: 2,
      fault: { kind: 'error', status: 503, code: 'SlowDown' },
    });
    const db = await freshWarehouse();
    const result = await loadInto(db.knex, { source: { source: 's3://throttled/data/' }, s3Client: faulty });
    expect(result.status).toBe('succeeded');
    expect(result.retries).toBeGreaterThanOrEqual(4);
    expect(proxy.seen.filter((request) => request.fault === 'error')).toHaveLength(4);
    expect(await starSnapshot(db.knex)).toEqual(expected);
    const run = (await db.knex('etl_runs').where({ run_id: result.runId }).first()) as EtlRunRow | undefined;
    expect(run!.status).toBe('succeeded');
  });

  it('retries a connection dropped before the answer, and resumes a body cut mid-way from the byte it reached', async () => {
    await upload('dropping', dataset);
    proxy.clearRules();
    proxy.addRule({
      method: 'GET',
      path: /^\/dropping\/?$/,
      query: /list-type=2/,
      times: 1,
      fault: { kind: 'reset' },
    });
    proxy.addRule({
      method: 'GET',
      path: new RegExp(`^/dropping/data/${DAY}$`),
      times: 2,
      fault: { kind: 'reset-body', afterBytes: 700 },
    });
    const db = await freshWarehouse();
    const result = await loadInto(db.knex, { source: { source: 's3://dropping/data/' }, s3Client: faulty });
    expect(result.status).toBe('succeeded');
    expect(result.retries).toBeGreaterThanOrEqual(3);
    expect(await starSnapshot(db.knex)).toEqual(expected);
    // Every record of the cut object was read exactly once: nothing lost, nothing doubled.
    const file = (await db
      .knex('etl_files')
      .where({ run_id: result.runId, object_key: `s3://dropping/data/${DAY}` })
      .first()) as EtlFileRow | undefined;
    expect(file).toMatchObject({ records_read: '25', records_staged: '25', records_rejected: '0' });
  });

  it('gives up after the retries with a message naming bucket and key (exit 2 material), and nothing is loaded', async () => {
    await upload('down', dataset);
    proxy.clearRules();
    proxy.addRule({
      method: 'GET',
      path: new RegExp(`^/down/data/${DAY}$`),
      fault: { kind: 'error', status: 503, code: 'ServiceUnavailable' },
    });
    const db = await freshWarehouse();
    const error = await loadInto(db.knex, { source: { source: 's3://down/data/' }, s3Client: faulty }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(LoaderError);
    expect((error as LoaderError).isDataFailure).toBe(false);
    expect((error as LoaderError).message).toContain(`s3://down/data/${DAY}`);
    expect(Number((await db.knex('songplays').count({ n: '*' }))[0]!.n)).toBe(0);
    expect(await db.knex('etl_runs').select('status', 'error_code')).toEqual([
      { status: 'failed', error_code: 'SOURCE_READ_FAILED' },
    ]);
  });
});

describe('403 and 404 from S3', () => {
  it('access denied on listing a bucket names the bucket and prefix', async () => {
    await upload('forbidden', dataset);
    proxy.clearRules();
    proxy.addRule({
      path: /^\/forbidden\/?$/,
      fault: { kind: 'error', status: 403, code: 'AccessDenied', message: 'Access Denied' },
    });
    const db = await freshWarehouse();
    const error = (await loadInto(db.knex, {
      source: { source: 's3://forbidden/data/' },
      s3Client: faulty,
    }).catch((caught: unknown) => caught)) as LoaderError;
    expect(error.code).toBe('SOURCE_ACCESS_DENIED');
    expect(error.message).toContain('s3://forbidden/data/song_data/');
    expect(error.message).toMatch(/access denied/);
    expect(error.isDataFailure).toBe(false);
  });

  it('access denied on reading an object names bucket and key and fails the run', async () => {
    await upload('forbidden-key', dataset);
    proxy.clearRules();
    proxy.addRule({
      method: 'GET',
      path: new RegExp(`^/forbidden-key/data/${DAY}$`),
      fault: { kind: 'error', status: 403, code: 'AccessDenied' },
    });
    const db = await freshWarehouse();
    const error = (await loadInto(db.knex, {
      source: { source: 's3://forbidden-key/data/' },
      s3Client: faulty,
    }).catch((caught: unknown) => caught)) as LoaderError;
    expect(error.code).toBe('SOURCE_ACCESS_DENIED');
    expect(error.message).toContain(`s3://forbidden-key/data/${DAY}`);
    expect(await starSnapshot(db.knex)).toEqual(await starSnapshot((await freshWarehouse()).knex));
  });

  it('a bucket that does not exist names the bucket', async () => {
    proxy.clearRules();
    const db = await freshWarehouse();
    const error = (await loadInto(db.knex, {
      source: { source: 's3://not-a-bucket/data/' },
      s3Client: faulty,
    }).catch((caught: unknown) => caught)) as LoaderError;
    expect(error.code).toBe('SOURCE_NOT_FOUND');
    expect(error.message).toContain('s3://not-a-bucket/data/');
  });

  it('a prefix with no objects is SOURCE_EMPTY, not a silent success', async () => {
    proxy.clearRules();
    await s3.createBucket('empty-bucket');
    const db = await freshWarehouse();
    const error = (await loadInto(db.knex, {
      source: { source: 's3://empty-bucket/typo/' },
      s3Client: faulty,
    }).catch((caught: unknown) => caught)) as LoaderError;
    expect(error.code).toBe('SOURCE_EMPTY');
    expect(error.message).toContain('s3://empty-bucket/typo/song_data/');
  });

  it('an object deleted between listing and reading is a bad record naming its key; --max-errors loads the rest', async () => {
    const deleteOnRead = (bucket: string) =>
      proxy.addRule({
        method: 'GET',
        path: new RegExp(`^/${bucket}/data/${DAY}$`),
        times: 1,
        fault: {
          kind: 'before',
          before: () => s3.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: `data/${DAY}` })),
        },
      });
    proxy.clearRules();
    await upload('vanishing', dataset);
    deleteOnRead('vanishing');
    const db = await freshWarehouse();
    const before = await starSnapshot(db.knex);
    const failed = await loadInto(db.knex, { source: { source: 's3://vanishing/data/' }, s3Client: faulty });
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toContain(
      `s3://vanishing/data/${DAY} line 0: s3://vanishing/data/${DAY} was listed but is gone`,
    );
    expect(await starSnapshot(db.knex)).toEqual(before);

    await upload('vanishing-2', dataset);
    deleteOnRead('vanishing-2');
    const loaded = await loadInto(db.knex, {
      source: { source: 's3://vanishing-2/data/' },
      s3Client: faulty,
      maxErrors: 1,
    });
    expect(loaded.status).toBe('succeeded');
    expect(await db.knex('etl_rejects').where({ run_id: loaded.runId }).pluck('object_key')).toEqual([
      `s3://vanishing-2/data/${DAY}`,
    ]);
    // Day 1 and day 3 arrived; day 2's plays did not.
    const days = await db.knex.raw<{ rows: { day: string }[] }>(
      "SELECT DISTINCT to_char(start_time, 'YYYY-MM-DD') AS day FROM songplays ORDER BY day",
    );
    expect(days.rows.map((row) => row.day)).toEqual(['2018-11-01', '2018-11-03']);
  });
});
