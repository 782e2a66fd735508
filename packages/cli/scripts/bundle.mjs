// Bundles the built CLI (dist/bin.js and the loader's parser thread) into bundle/: a few files instead of the
// ~760 modules Node's loader would otherwise resolve, read and compile on every start (0.3 s of a small load).
// Kept outside the bundle, loaded from node_modules as they are:
// - packages that find their own files beside their code (the analytics questions and the report's ECharts,
//   the embedded server's binaries, CDK's templates), and the AWS SDK, imported only on first use;
// - knex's drivers for databases other than PostgreSQL, which are never installed.
// The CLI is bundled as CommonJS (sparkify.cjs) so that bundle/sparkify.js (scripts/launcher.js) can run it from
// V8's code cache; the parser thread stays an ES module of its own (record-worker.js), since Node starts it by path.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** Bundles `input` into bundle/ in `format`. */
async function bundle(input, format) {
  const build = await rolldown({
    cwd: cliFolder,
    input,
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
  const extension = format === 'cjs' ? 'cjs' : 'js';
  await build.write({
    dir: outputFolder,
    format,
    entryFileNames: `[name].${extension}`,
    chunkFileNames: `chunk-[name]-[hash].${extension}`,
    // import() of the packages left outside becomes require() (Node 20.19 requires ES modules without top-level
    // await): a script run from V8's code cache has no callback for import() on Node 20.
    ...(format === 'cjs' ? { dynamicImportInCjs: false } : {}),
  });
  await build.close();
}

await bundle({ sparkify: join(cliFolder, 'dist', 'bin.js') }, 'cjs');
// The loader starts its parser threads from `./record-worker.js` beside its own module: here, beside the bundle.
await bundle({ 'record-worker': join(loaderDist, 'staging', 'record-worker.js') }, 'esm');

const cli = readFileSync(join(outputFolder, 'sparkify.cjs'), 'utf8');
const dynamicImport = /(?:await|return|=>|[=(,])\s*import\(/.exec(cli);
if (dynamicImport) {
  const line = cli.slice(0, dynamicImport.index).split('\n').length;
  throw new Error(
    `bundle/sparkify.cjs:${line}: an import() is left, which fails when run from the code cache`,
  );
}
const hash = createHash('sha256').update(cli).digest('hex').slice(0, 16);
const launcher = readFileSync(join(cliFolder, 'scripts', 'launcher.js'), 'utf8');
if (!launcher.includes("'__BUNDLE_HASH__'"))
  throw new Error('scripts/launcher.js: no __BUNDLE_HASH__ to fill in');
writeFileSync(join(outputFolder, 'sparkify.js'), launcher.replace("'__BUNDLE_HASH__'", `'${hash}'`), {
  mode: 0o755,
});
