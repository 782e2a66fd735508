import type { TestDatabase } from '@sparkify/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempFolders, runSparkify } from './run-sparkify.js';
import { later, loadSampleLikeWarehouse } from './sample-like-warehouse.js';

afterAll(removeTempFolders);

let db: TestDatabase;
let env: Record<string, string>;

beforeAll(async () => {
  ({ db, env } = await loadSampleLikeWarehouse());
}, 180_000);
afterAll(() => db?.drop());

describe('sparkify runs', () => {
  it('lists the loads, newest first, as text and as JSON', async () => {
    const text = await runSparkify(['runs'], { env });
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RUN +STARTED \(UTC\) +STATUS +OBJECTS +RECORDS +REJECTS +SECONDS +NOTE$/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(
      new RegExp(`^ +2 +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +succeeded +1 +5 +2 +\\d+\\.\\d$`),
    );
    const json = await runSparkify(['runs', '--json', '--limit', '1'], { env });
    const { runs } = JSON.parse(json.stdout) as { runs: Record<string, unknown>[] };
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      runId: 2,
      status: 'succeeded',
      objects: 1,
      records: 5,
      rejects: later.badLines.length,
      songplaysAdded: later.plays,
    });
    expect(runs[0]?.['seconds']).toBeGreaterThan(0);
  });

  it('runs show <id> names the run, its files and its rejects', async () => {
    const run = await runSparkify(['runs', 'show', '2'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^run 2: succeeded, started /);
    expect(run.stdout).toMatch(new RegExp(`files \\(1\\):\\n.*\\nevents +${later.key} +\\d+ +5 +3 +2\\n`));
    expect(run.stdout).toContain(`rejects (${later.badLines.length}):`);
    for (const line of later.badLines) expect(run.stdout).toContain(`  ${later.key}:${line}`);
    const json = await runSparkify(['runs', 'show', '2', '--json'], { env });
    const detail = JSON.parse(json.stdout) as { rejectCount: number; rejects: { lineNumber: number }[] };
    expect(detail.rejectCount).toBe(later.badLines.length);
    expect(detail.rejects.map((reject) => reject.lineNumber)).toEqual(later.badLines);
    const missing = await runSparkify(['runs', 'show', '99'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'no load run 99 in etl_runs (the latest is 2; sparkify runs lists them)',
    );
  });
});
