#!/usr/bin/env node
// The measured loader process: `SPARKIFY_BENCH_DATABASE_URL=… node run-load.js <source-folder> [label]`. It runs in a
// process of its own so that its peak RSS is the loader's alone; it prints one JSON object (LoadOutcome) on stdout,
// progress on stderr. The URL comes through the environment so that its password stays out of `ps`.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import knexFactory from 'knex';
import { type LoadProgress } from '@sparkify/loader';
import { isProcessAlive } from '@sparkify/local-postgres';
import type { LoadOutcome } from './load-outcome.js';
import { createProgressLine } from './progress-line.js';

function describe(progress: LoadProgress): string {
  if (progress.stage === 'list') return `listing: ${progress.objects.toLocaleString('en-US')} objects`;
  if (progress.stage === 'transform') return 'transform + ledger…';
  return (
    `validate + stage: ${progress.objectsDone.toLocaleString('en-US')}/${progress.objectsTotal.toLocaleString('en-US')} objects, ` +
    `${progress.records.toLocaleString('en-US')} records, ${(progress.bytes / 1e6).toFixed(0)} MB`
  );
}

const url = process.env.SPARKIFY_BENCH_DATABASE_URL;
const [source, label = 'load'] = process.argv.slice(2);
if (!url || !source) {
  console.error('usage: SPARKIFY_BENCH_DATABASE_URL=<url> run-load.js <source-folder> [label]');
  process.exit(2);
}

// Another build of the loader (SPARKIFY_BENCH_LOADER: its package folder) can be measured against the same data.
const loaderFolder = process.env.SPARKIFY_BENCH_LOADER;
const { load } = (
  loaderFolder
    ? await import(pathToFileURL(join(resolve(loaderFolder), 'dist', 'index.js')).href)
    : await import('@sparkify/loader')
) as typeof import('@sparkify/loader');

const knex = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 4 } });
const progress = createProgressLine(process.stderr);
try {
  const began = performance.now();
  const result = await load({
    knex,
    dialect: 'postgres',
    source: { source },
    holder: {
      holder: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      host: hostname(),
      pid: process.pid,
    },
    isProcessAlive,
    ...(process.env.SPARKIFY_BENCH_WORKERS ? { workers: Number(process.env.SPARKIFY_BENCH_WORKERS) } : {}),
    // Formatting numbers costs; only the progress actually shown is described.
    onProgress: (event) => progress.update(() => `  ${label}: ${describe(event)}`),
  });
  const loadSeconds = (performance.now() - began) / 1000;
  progress.done(`  ${label}: ${result.status} in ${loadSeconds.toFixed(2)} s`);
  const usage = process.resourceUsage();
  const { files, ...rest } = result;
  const outcome: LoadOutcome = {
    result: { ...rest, files: files.length },
    loadSeconds,
    // resourceUsage reports kilobytes.
    maxRssBytes: usage.maxRSS * 1024,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
  };
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
  process.exitCode = result.status === 'failed' ? 1 : 0;
} catch (error) {
  progress.done(`  ${label}: failed`);
  console.error((error as Error).stack ?? String(error));
  process.exitCode = 2;
} finally {
  await knex.destroy();
}
