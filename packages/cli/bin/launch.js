// The launcher behind the root verbs (`pnpm migrate`, `pnpm load`, `pnpm check`, `pnpm demo`, `pnpm sparkify`).
// pnpm runs them as binaries of this package, not as package.json scripts, so that pnpm prints no `> script`
// header on stdout and no ELIFECYCLE line on failure: stdout holds only the command's own output. This file is
// plain JavaScript (never built) because it decides whether the build is current: the packages are built once
// at install (the root `prepare`); a verb rebuilds, with turbo's output on stderr, only when a source file is
// newer than its package's dist/.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL, URL } from 'node:url';

const cliFolder = fileURLToPath(new URL('..', import.meta.url));
const packagesFolder = dirname(cliFolder);
const repoRoot = dirname(packagesFolder);

/** The newest modification time (ms) of the files below `folder` that `include` accepts; 0 when there are none. */
function newestBelow(folder, include) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestBelow(path, include));
    else if (include(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** The workspace packages the CLI is built from: itself and its @sparkify dependencies, transitively. */
function workspaceFolders() {
  const folders = new Set();
  const visit = (folder) => {
    if (folders.has(folder) || !existsSync(join(folder, 'package.json'))) return;
    folders.add(folder);
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
    for (const name of Object.keys(manifest.dependencies ?? {})) {
      if (name.startsWith('@sparkify/')) visit(join(packagesFolder, name.slice('@sparkify/'.length)));
    }
  };
  visit(cliFolder);
  return [...folders];
}

/** The packages whose sources (the inputs turbo.json gives the build) are newer than their dist/. */
export function stalePackages() {
  const isSource = (name) => !name.endsWith('.test.ts');
  return workspaceFolders().filter((folder) => {
    // The CLI runs from its bundle (built from its dist/): both must be there and newer than the sources.
    const outputs = folder === cliFolder ? ['dist', 'bundle'] : ['dist'];
    const built = Math.min(...outputs.map((output) => newestBelow(join(folder, output), () => true)));
    if (built === 0) return true;
    const sources = Math.max(
      newestBelow(join(folder, 'src'), isSource),
      newestBelow(join(folder, 'schemas'), () => true),
      newestBelow(join(folder, 'scripts'), () => true),
      ...['package.json', 'tsconfig.json', 'tsconfig.build.json'].map((file) => {
        const path = join(folder, file);
        return existsSync(path) ? statSync(path).mtimeMs : 0;
      }),
    );
    return sources > built;
  });
}

/** Rebuilds the CLI and what it depends on when stale (turbo's output on stderr), then runs it with `verb` first. */
export async function launch(verb) {
  const stale = stalePackages();
  if (stale.length > 0 && process.env.SPARKIFY_SKIP_BUILD !== '1') {
    const names = stale.map((folder) => folder.slice(packagesFolder.length + 1)).join(', ');
    process.stderr.write(`sparkify: rebuilding (sources changed since the last build: ${names})…\n`);
    const turbo = join(repoRoot, 'node_modules', '.bin', 'turbo');
    const built = spawnSync(
      turbo,
      ['run', 'build', '--filter=@sparkify/cli...', '--output-logs=errors-only'],
      {
        cwd: repoRoot,
        stdio: ['ignore', 2, 2],
        env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
      },
    );
    if (built.status !== 0) {
      process.stderr.write(
        'sparkify: the build failed (above); fix it, or run `pnpm build` to see it again\n',
      );
      process.exitCode = 2;
      return;
    }
  }
  if (verb) process.argv.splice(2, 0, verb);
  await import(pathToFileURL(join(cliFolder, 'bundle', 'sparkify.js')).href);
}
