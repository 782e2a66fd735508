import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { folderSink, generateDataset, type GenerateOptions, type GenerateSummary } from '@sparkify/generator';
import { load } from '@sparkify/loader';
import { migrateTo } from '@sparkify/schema';
import { createTestDatabase, type TestDatabase } from '@sparkify/testkit';

export interface LoadedWarehouse {
  db: TestDatabase;
  truth: GenerateSummary;
  folder: string;
  /** Drops the database and deletes the generated files. */
  close(): Promise<void>;
}

/** A fresh database holding one generated dataset, loaded by the real loader; the generator's summary is the truth. */
export async function loadedWarehouse(
  serverUrl: string,
  prefix: string,
  options: GenerateOptions,
): Promise<LoadedWarehouse> {
  const folder = mkdtempSync(join(tmpdir(), `${prefix}-`));
  chmodSync(folder, 0o755);
  const truth = await generateDataset(options, folderSink(folder));
  const db = await createTestDatabase(serverUrl, prefix);
  await migrateTo(db.knex, { dialect: 'postgres' });
  const result = await load({
    knex: db.knex,
    dialect: 'postgres',
    source: { source: folder },
    holder: { holder: `${prefix}-${process.pid}`, host: hostname(), pid: process.pid },
    isProcessAlive: () => true,
    workers: 0,
  });
  if (result.status !== 'succeeded') throw new Error(`the test load ${result.status}`);
  return {
    db,
    truth,
    folder,
    close: async () => {
      await db.drop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
