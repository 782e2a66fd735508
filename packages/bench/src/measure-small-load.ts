import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import knexFactory from 'knex';
import { migrateTo } from '@sparkify/schema';

const cliBin = fileURLToPath(new URL('../../cli/bundle/sparkify.js', import.meta.url));

/** The database URL with another database name. */
function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function runCli(args: readonly string[], databaseUrl: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const child = spawn(process.execPath, [cliBin, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, DATABASE_URL: databaseUrl, SPARKIFY_TARGET: 'postgres' },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr += text;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve((performance.now() - began) / 1000);
      else reject(new Error(`sparkify ${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

/**
 * Times `sparkify load` of a small source as a user waits for it: a new process, its connection, the load and
 * exit, into a freshly migrated database each run (so every run is a first load, not "nothing new").
 */
export async function measureSmallLoad(url: string, sourceFolder: string, runs: number): Promise<number[]> {
  const admin = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
  const wall: number[] = [];
  try {
    for (let run = 1; run <= runs; run += 1) {
      const database = `sparkify_small_${run}`;
      await admin.raw('DROP DATABASE IF EXISTS ??', [database]);
      await admin.raw('CREATE DATABASE ??', [database]);
      const databaseUrl = withDatabase(url, database);
      const knex = knexFactory({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 1 } });
      try {
        await migrateTo(knex, { dialect: 'postgres' });
      } finally {
        await knex.destroy();
      }
      await admin.raw('CHECKPOINT');
      wall.push(await runCli(['load', '--source', sourceFolder, '--no-progress'], databaseUrl));
      await admin.raw('DROP DATABASE ??', [database]);
    }
    return wall;
  } finally {
    await admin.destroy();
  }
}
