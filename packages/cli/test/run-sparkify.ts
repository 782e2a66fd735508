import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built binary; turbo builds the package before its tests run. */
export const BIN = fileURLToPath(new URL('../bundle/sparkify.js', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const created: string[] = [];

/** A temporary folder (cwd or SPARKIFY_HOME) that the postgres OS user may enter; see removeTempFolders. */
export function tempFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(folder, 0o755);
  created.push(folder);
  return folder;
}

/** Deletes every folder tempFolder made in this test file (call in afterAll). */
export function removeTempFolders(): void {
  for (const folder of created.splice(0)) rmSync(folder, { recursive: true, force: true });
}

/**
 * The environment of a `sparkify load` against `databaseUrl` reading S3 (s3rver's test credentials) through
 * `endpoint`, with a home of its own.
 */
export function s3LoadEnv(
  databaseUrl: string,
  s3: { credentials: { accessKeyId: string; secretAccessKey: string } },
  endpoint: string,
  homePrefix: string,
): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_S3: endpoint,
    SPARKIFY_HOME: tempFolder(homePrefix),
  };
}

/**
 * Runs `node bundle/sparkify.js <args>` (the bundled CLI that users run) as a real process with only the given environment (plus PATH and HOME), so
 * that a developer's own DATABASE_URL or AWS keys never leak into a test.
 */
export function runSparkify(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? tmpdir(),
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
