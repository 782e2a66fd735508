// Bundles the built CLI (dist/bin.js and the loader's parser thread) into bundle/: a few files instead of the
// ~760 modules Node's loader would otherwise resolve, read and compile on every start (0.3 s of a small load).
// Kept outside the bundle, loaded from node_modules as they are:
// - packages that find their own files beside their code (the analytics questions and the report's ECharts,
//   the embedded server's binaries, CDK's templates), and the AWS SDK, imported only on first use;
// - knex's drivers for databases other than PostgreSQL, which are never installed.
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const cliFolder = fileURLToPath(new URL('..', import.meta.url));
const outputFolder = fileURLToPath(new URL('../bundle/', import.meta.url));
const loaderDist = dirname(createRequire(import.meta.url).resolve('@sparkify/loader'));

const external = [
  /^@aws-sdk\//,
  /^@smithy\//,
  '@sparkify/analytics',
  '@sparkify/infra',
  '@sparkify/local-postgres',
  // knex's other dialects require these only when chosen; pg's native binding only when asked for.
  ...[
    'mysql',
    'mysql2',
    'mariadb',
    'mariadb/callback',
    'sqlite3',
    'better-sqlite3',
    'oracledb',
    'tedious',
    'pg-native',
    'pg-query-stream',
  ],
];

/**
 * pg asks at load time whether it runs in a Cloudflare Worker by constructing a `Response`, and on Node 20 that
 * first touch of `Response` loads the whole of Node's fetch (undici): 35 ms of every start. The CLI only ever runs
 * on Node, so the bundled copy answers no. The build fails if pg's code no longer has the function.
 */
const nodeOnlyPg = {
  name: 'node-only-pg',
  transform(code, id) {
    if (!/[\\/]pg[\\/]lib[\\/]stream\.js$/.test(id)) return null;
    const probe = 'function isCloudflareRuntime() {';
    if (!code.includes(probe))
      throw new Error(`${id}: no isCloudflareRuntime() to answer; review node-only-pg`);
    return code.replace(probe, `${probe}\n  return false;`);
  },
};

rmSync(outputFolder, { recursive: true, force: true });
const build = await rolldown({
  cwd: cliFolder,
  input: {
    sparkify: join(cliFolder, 'dist', 'bin.js'),
    // The loader starts its parser threads from `./record-worker.js` beside its own module: here, beside the bundle.
    'record-worker': join(loaderDist, 'staging', 'record-worker.js'),
  },
  platform: 'node',
  plugins: [nodeOnlyPg],
  external,
  logLevel: 'warn',
  onLog(level, log, handle) {
    // Any other unresolved import would fail only when that code runs: stop the build instead.
    if (log.code === 'UNRESOLVED_IMPORT') throw new Error(log.message);
    handle(level, log);
  },
});
await build.write({
  dir: outputFolder,
  format: 'esm',
  entryFileNames: '[name].js',
  chunkFileNames: 'chunk-[name]-[hash].js',
});
await build.close();
