import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The gate `pnpm test` runs (root package.json): `prettier --check .`, then turbo's build, typecheck, lint and
 * test. These tests run the repository's own Prettier and ESLint configuration on probe files, so a change that
 * lets an unformatted file or a floating promise through fails here.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
let probeDir: string;

beforeAll(async () => {
  probeDir = await mkdtemp(path.join(tmpdir(), 'sparkify-gate-'));
  // A project of its own, so that the type-aware rules have a program to read (as each package's tsconfig).
  await writeFile(
    path.join(probeDir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', noEmit: true, types: [] },
      include: ['*.ts'],
    }),
  );
});
afterAll(() => rm(probeDir, { recursive: true, force: true }));

async function lint(source: string): Promise<string[]> {
  const file = path.join(probeDir, 'probe.ts');
  await writeFile(file, source);
  const eslint = new ESLint({ cwd: probeDir, overrideConfigFile: path.join(root, 'eslint.config.js') });
  const [result] = await eslint.lintFiles([file]);
  return (result?.messages ?? []).map((message) => `${message.line}:${message.ruleId ?? message.message}`);
}

describe('the gate of pnpm test', () => {
  it('runs prettier --check over the whole tree first, then lint among the turbo tasks', async () => {
    const scripts = (
      JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts['test']).toMatch(/^prettier --check \. .*&& turbo run build typecheck lint test\b/);
  });

  it('fails lint on a floating promise and on a promise where a void callback belongs', async () => {
    const findings = await lint(
      [
        'async function save(): Promise<void> {}',
        'export function forget(): void {',
        '  save();',
        '}',
        'export function misuse(items: string[]): void {',
        '  items.forEach(async () => {',
        '    await save();',
        '  });',
        '  if (save()) items.pop();',
        '}',
        '',
      ].join('\n'),
    );
    expect(findings).toEqual([
      '3:@typescript-eslint/no-floating-promises',
      '6:@typescript-eslint/no-misused-promises',
      '9:@typescript-eslint/no-misused-promises',
    ]);
  }, 120_000); // the first lint starts TypeScript's language service

  it('passes the same code once every promise is awaited', async () => {
    const findings = await lint(
      [
        'async function save(): Promise<void> {}',
        'export async function keep(items: string[]): Promise<void> {',
        '  await save();',
        '  for (const _ of items) await save();',
        '}',
        '',
      ].join('\n'),
    );
    expect(findings).toEqual([]);
  });

  it('fails prettier --check on an unformatted file, with the repository configuration', async () => {
    const prettier = path.join(root, 'node_modules/.bin/prettier');
    const config = path.join(root, '.prettierrc.json');
    const file = path.join(probeDir, 'unformatted.ts');
    await writeFile(file, 'export const  x = {a:1,b:"two"}\n');
    const run = promisify(execFile);
    await expect(run(prettier, ['--check', '--config', config, file])).rejects.toMatchObject({ code: 1 });
    await writeFile(file, "export const x = { a: 1, b: 'two' };\n");
    await expect(run(prettier, ['--check', '--config', config, file])).resolves.toBeDefined();
  });
});
