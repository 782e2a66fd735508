import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The bundle's start from V8's code cache (scripts/launcher.js, written to bundle/sparkify.js). Each test runs a
// copy of the bundle in a folder of its own inside the package, so that the packages the bundle leaves outside
// still resolve from the package's node_modules, and no other test's CLI run writes the cache under it.
const cliFolder = fileURLToPath(new URL('..', import.meta.url));
const bundleFolder = join(cliFolder, 'bundle');
const version = (JSON.parse(readFileSync(join(cliFolder, 'package.json'), 'utf8')) as { version: string })
  .version;
const run = promisify(execFile);
const copies: string[] = [];

/** A fresh copy of the built bundle, without any code cache. */
function bundleCopy(): string {
  const folder = mkdtempSync(join(cliFolder, '.test-bundle-'));
  copies.push(folder);
  cpSync(bundleFolder, folder, {
    recursive: true,
    filter: (path) => !path.endsWith('.v8cache') && !path.endsWith('.tmp'),
  });
  return folder;
}

const cacheFiles = (folder: string) => readdirSync(folder).filter((name) => name.endsWith('.v8cache'));

const runNode = (args: string[], cwd?: string) =>
  run(process.execPath, args, { env: { PATH: process.env.PATH }, ...(cwd ? { cwd } : {}) });
const sparkifyVersion = (folder: string) => runNode([join(folder, 'sparkify.js'), '--version']);

describe('the bundled CLI starts from a code cache', () => {
  let bundleHash: string;
  beforeAll(() => {
    const launcher = readFileSync(join(bundleFolder, 'sparkify.js'), 'utf8');
    bundleHash = /const build = '([0-9a-f]{16})'/.exec(launcher)![1]!;
  });
  afterAll(() => {
    for (const folder of copies) rmSync(folder, { recursive: true, force: true });
  });

  it('names the cache by the bundle and Node, writes it on the first run, and leaves it alone on the next', async () => {
    const folder = bundleCopy();
    expect(cacheFiles(folder)).toEqual([]);

    const first = await sparkifyVersion(folder);
    expect(first.stdout.trim()).toBe(version);
    expect(first.stderr).toBe('');
    expect(cacheFiles(folder)).toEqual([
      `sparkify.cjs.${bundleHash}.${process.version}-${process.arch}.v8cache`,
    ]);
    const cache = join(folder, cacheFiles(folder)[0]!);
    const written = statSync(cache);
    expect(written.size).toBeGreaterThan(100_000);

    // Accepted by V8, the cache is not made again: the file stays the one the first run wrote.
    const second = await sparkifyVersion(folder);
    expect(second.stdout.trim()).toBe(version);
    expect(second.stderr).toBe('');
    const after = statSync(cache);
    expect([after.ino, after.mtimeMs]).toEqual([written.ino, written.mtimeMs]);
    expect(readdirSync(folder).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('the bundle hash in the launcher is that of the bundle it runs', async () => {
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256')
      .update(readFileSync(join(bundleFolder, 'sparkify.cjs')))
      .digest('hex');
    expect(hash.startsWith(bundleHash)).toBe(true);
  });

  it('a cache V8 refuses (damaged, or from other flags) is ignored and made anew', async () => {
    const folder = bundleCopy();
    await sparkifyVersion(folder);
    const cache = join(folder, cacheFiles(folder)[0]!);
    const good = readFileSync(cache);
    const damaged = Buffer.alloc(good.length, 0x5a);
    writeFileSync(cache, damaged);

    const run = await sparkifyVersion(folder);
    expect(run.stdout.trim()).toBe(version);
    expect(run.stderr).toBe('');
    const remade = readFileSync(cache);
    expect(remade.equals(damaged)).toBe(false);
    expect(remade.length).toBeGreaterThan(100_000);
  });

  it('runs the CLI once when a lazy chunk of the bundle asks for the code it shares', async () => {
    const folder = bundleCopy();
    const chunks = readdirSync(folder).filter((name) => name.startsWith('chunk-') && name.endsWith('.cjs'));
    expect(chunks.length).toBeGreaterThan(0);
    // Starts the CLI (`--version`) as bundle/sparkify.js does, then loads every chunk as the Redshift and infra
    // commands do: a chunk's require('./sparkify.cjs') must get the running instance, not run the CLI again.
    const script = [
      `import { createRequire } from 'node:module';`,
      `process.argv = [process.execPath, 'sparkify.js', '--version'];`,
      `await import(${JSON.stringify(pathToFileURL(join(folder, 'sparkify.js')).href)});`,
      `const require = createRequire(${JSON.stringify(join(folder, 'sparkify.cjs'))});`,
      ...chunks.map((chunk) => `require(${JSON.stringify(`./${chunk}`)});`),
    ].join('\n');
    for (let run = 1; run <= 2; run += 1) {
      // The first run compiles, the second runs from the cache the first wrote.
      const started = await runNode(['--input-type=module', '-e', script]);
      expect(started.stdout).toBe(`${version}\n`);
      expect(started.stderr).toBe('');
    }
  });

  it('runs commands that import packages outside the bundle, without an experimental warning', async () => {
    const folder = bundleCopy();
    // `infra plan` imports @sparkify/infra (CDK) with import() from inside the cached script.
    const plan = await runNode(
      [join(folder, 'sparkify.js'), 'infra', 'plan', '--source', 's3://udacity-dend/'],
      folder,
    );
    expect(plan.stderr).not.toMatch(/ExperimentalWarning|USE_MAIN_CONTEXT_DEFAULT_LOADER/);
    expect(plan.stdout).toMatch(/^Stack sparkify-dev \(serverless\): \d+ resources would be created/);
  }, 120_000);
});
