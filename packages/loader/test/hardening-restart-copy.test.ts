import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import knexFactory from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  type RestartablePostgres,
  startRestartablePostgres,
  startS3FaultProxy,
  startTestS3,
  testS3Client,
  starSnapshot,
  type S3FaultProxy,
  type TestS3,
  uploadFolder,
  waitFor,
} from '@sparkify/testkit';
import { migrateTo } from '@sparkify/schema';
import { load } from '../src/index.js';
import { migratedWarehouses, smallDataset, writeFixture } from './fixtures.js';

const freshWarehouse = migratedWarehouses('loader_restart_reference');
let server: RestartablePostgres;
let s3: TestS3;
let proxy: S3FaultProxy;

beforeAll(async () => {
  server = await startRestartablePostgres();
  s3 = await startTestS3();
  proxy = await startS3FaultProxy(s3.endpoint);
});
afterAll(async () => {
  await proxy.stop();
  await s3.stop();
  await server.remove();
});

describe('the database restarting while COPY is streaming', () => {
  it('fails promptly (no hang), leaves the star schema as it was, and the next load succeeds', async () => {
    const { songFiles, dayFiles } = smallDataset();
    const root = writeFixture({ ...songFiles, ...dayFiles });
    await s3.createBucket('midcopy');
    await uploadFolder(s3.client, 'midcopy', 'data/', root);
    const client = testS3Client(proxy.endpoint);
    let release!: () => void;
    proxy.addRule({
      method: 'GET',
      path: /2018-11-03-events\.json$/,
      query: /^(?!.*list-type)/,
      times: 1,
      fault: { kind: 'hold', until: new Promise<void>((resolve) => (release = resolve)) },
    });

    const target = await createTestDatabase(server.url, 'restart_copy');
    await migrateTo(target.knex, { dialect: 'postgres' });
    const running = load({
      knex: target.knex,
      dialect: 'postgres',
      source: { source: 's3://midcopy/data/' },
      s3Client: client,
      holder: { holder: 'restart-test', host: hostname(), pid: process.pid },
      isProcessAlive: () => false,
    });
    running.catch(() => undefined);
    // The events COPY is open (two days written) and the third day's body is held: now the database goes away.
    await waitFor('the held request', () => proxy.seen.some((request) => /2018-11-03/.test(request.path)));
    await sleep(200);
    await server.stop();
    release();
    const outcome = await Promise.race([
      running.then(
        () => 'succeeded',
        (error: Error) => error,
      ),
      sleep(20_000).then(() => 'hung'),
    ]);
    expect(outcome).toBeInstanceOf(Error);
    expect(String((outcome as Error).message)).toMatch(/terminat|connection|shut/i);

    await server.start();
    await target.knex.destroy().catch(() => undefined);
    const url = new URL(server.url);
    url.pathname = `/${target.name}`;
    const reopened = knexFactory({ client: 'pg', connection: url.toString() });
    try {
      expect(Object.values(await starSnapshot(reopened)).every((rows) => rows.length === 0)).toBe(true);
      const next = await load({
        knex: reopened,
        dialect: 'postgres',
        source: { source: 's3://midcopy/data/' },
        s3Client: client,
        holder: { holder: 'restart-test-2', host: hostname(), pid: process.pid },
        isProcessAlive: () => false,
      });
      expect(next.status).toBe('succeeded');
      const reference = await freshWarehouse();
      await load({
        knex: reference.knex,
        dialect: 'postgres',
        source: { source: root },
        holder: { holder: 'restart-reference', host: hostname(), pid: process.pid },
        isProcessAlive: () => true,
      });
      expect(await starSnapshot(reopened)).toEqual(await starSnapshot(reference.knex));
    } finally {
      await reopened.destroy();
    }
  });
});
