import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EtlRunRow, startTestS3, type TestS3 } from '@sparkify/testkit';
import {
  gz,
  loadInto,
  ndjson,
  play,
  smallDataset,
  song,
  starSnapshot,
  writeFixture,
  migratedWarehouses,
} from './fixtures.js';

let s3: TestS3;
const freshWarehouse = migratedWarehouses('loader_s3');
beforeAll(async () => {
  s3 = await startTestS3();
});
afterAll(async () => {
  await s3.stop();
});

function filesBelow(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((path) => statSync(join(root, path)).isFile())
    .map((path) => relative(root, join(root, path)).split(sep).join('/'));
}

async function upload(bucket: string, prefix: string, root: string): Promise<void> {
  for (const path of filesBelow(root)) {
    await s3.client.send(
      new PutObjectCommand({ Bucket: bucket, Key: `${prefix}${path}`, Body: readFileSync(join(root, path)) }),
    );
  }
}

describe('loading from S3', () => {
  it('gives the same tables from S3 as from the same local folder', async () => {
    const { songFiles, dayFiles } = smallDataset();
    const root = writeFixture({ ...songFiles, ...dayFiles });
    await s3.createBucket('same-data');
    await upload('same-data', 'sparkify/', root);
    // A sibling prefix that a naive prefix match would also read.
    await s3.client.send(
      new PutObjectCommand({
        Bucket: 'same-data',
        Key: 'sparkify/log_data_old/x.json',
        Body: '{"oops": true}',
      }),
    );

    const local = await freshWarehouse();
    await loadInto(local.knex, { source: { source: root } });
    const remote = await freshWarehouse();
    const result = await loadInto(remote.knex, {
      source: { source: 's3://same-data/sparkify' },
      s3Client: s3.client,
    });
    expect(result.status).toBe('succeeded');
    expect(result.plan.toLoad).toBe(filesBelow(root).length);
    expect(await starSnapshot(remote.knex)).toEqual(await starSnapshot(local.knex));
    const keys = (await remote.knex('etl_files').pluck('object_key')) as string[];
    expect(keys.every((key) => key.startsWith('s3://same-data/sparkify/'))).toBe(true);

    const again = await loadInto(remote.knex, {
      source: { source: 's3://same-data/sparkify/' },
      s3Client: s3.client,
    });
    expect(again.status).toBe('nothing-new');
  });

  it('pages through a listing of more than 1,000 objects and reads gzip transparently', async () => {
    await s3.createBucket('many-objects');
    const total = 1105;
    const puts: Promise<unknown>[] = [];
    for (let index = 0; index < total; index += 1) {
      const id = String(index).padStart(6, '0');
      const body = JSON.stringify(song({ song_id: `SONG${id}`, artist_id: `ART${id}`, title: `T${id}` }));
      puts.push(
        s3.client.send(
          new PutObjectCommand({ Bucket: 'many-objects', Key: `song_data/A/B/C/TR${id}.json`, Body: body }),
        ),
      );
      if (puts.length >= 50) await Promise.all(puts.splice(0));
    }
    await Promise.all(puts);
    await s3.client.send(
      new PutObjectCommand({
        Bucket: 'many-objects',
        Key: 'log_data/2018/11/2018-11-01-events.json.gz',
        Body: gz(
          ndjson([
            play({ song: 'T000007', artist: 'Artist One', length: 200.5, sessionId: 1, itemInSession: 1 }),
          ]),
        ),
      }),
    );
    const db = await freshWarehouse();
    const result = await loadInto(db.knex, {
      source: { source: 's3://many-objects/' },
      s3Client: s3.client,
      concurrency: 16,
    });
    expect(result.status).toBe('succeeded');
    expect(result.plan.toLoad).toBe(total + 1);
    expect(Number((await db.knex('songs').count({ n: '*' }))[0]!.n)).toBe(total);
    expect((await db.knex('songplays').select('song_id'))[0]).toEqual({ song_id: 'SONG000007' });
  });

  it('names bucket and key when the bucket does not exist', async () => {
    const db = await freshWarehouse();
    await expect(
      loadInto(db.knex, { source: { source: 's3://no-such-bucket/data/' }, s3Client: s3.client }),
    ).rejects.toThrow(/s3:\/\/no-such-bucket\/data\/song_data\/.*bucket does not exist/);
    const run = (await db.knex<EtlRunRow>('etl_runs').select('status', 'error_code'))[0];
    expect(run).toEqual({ status: 'failed', error_code: 'SOURCE_NOT_FOUND' });
  });
});
