import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildSuite, parseCheckConfig } from '@sparkify/quality';

/**
 * A structural check of the example workflow against the rules of GitHub's workflow syntax that matter here
 * (https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions, and SchemaStore's
 * github-workflow.json, read 2026-12-01; no network here, so the rules are written out):
 * 1. top-level keys are among name, run-name, on, permissions, env, defaults, concurrency, jobs; on and jobs
 *    are required;
 * 2. every schedule entry is {cron} with five fields;
 * 3. job ids match ^[A-Za-z_][A-Za-z0-9_-]*$; a job has runs-on and a non-empty steps list (or uses);
 * 4. job keys are among the documented ones;
 * 5. a step has exactly one of uses and run, and only documented step keys; `uses` is owner/repo@ref;
 * 6. `with` and `env` values are scalars.
 */
function workflowProblems(workflow: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const topKeys = ['name', 'run-name', 'on', 'permissions', 'env', 'defaults', 'concurrency', 'jobs'];
  for (const key of Object.keys(workflow))
    if (!topKeys.includes(key)) problems.push(`unknown top-level key ${key}`);
  if (!('on' in workflow)) problems.push('no on');
  const on = workflow['on'] as Record<string, unknown> | undefined;
  const schedule = (on?.['schedule'] ?? []) as { cron?: unknown }[];
  for (const entry of schedule) {
    if (Object.keys(entry).join() !== 'cron') problems.push('a schedule entry holds more than cron');
    if (typeof entry.cron !== 'string' || entry.cron.trim().split(/\s+/).length !== 5)
      problems.push(`cron ${String(entry.cron)} is not five fields`);
  }
  const jobs = workflow['jobs'] as Record<string, Record<string, unknown>> | undefined;
  if (!jobs || Object.keys(jobs).length === 0) problems.push('no jobs');
  const jobKeys = [
    'name',
    'needs',
    'permissions',
    'runs-on',
    'environment',
    'concurrency',
    'outputs',
    'env',
    'defaults',
    'if',
    'steps',
    'timeout-minutes',
    'strategy',
    'continue-on-error',
    'container',
    'services',
    'uses',
    'with',
    'secrets',
  ];
  const stepKeys = [
    'id',
    'if',
    'name',
    'uses',
    'run',
    'working-directory',
    'shell',
    'with',
    'env',
    'continue-on-error',
    'timeout-minutes',
  ];
  for (const [id, job] of Object.entries(jobs ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(id)) problems.push(`job id ${id}`);
    for (const key of Object.keys(job))
      if (!jobKeys.includes(key)) problems.push(`${id}: unknown key ${key}`);
    if (!('uses' in job)) {
      if (!job['runs-on']) problems.push(`${id}: no runs-on`);
      const steps = job['steps'] as Record<string, unknown>[] | undefined;
      if (!Array.isArray(steps) || steps.length === 0) problems.push(`${id}: no steps`);
      (steps ?? []).forEach((step, index) => {
        const at = `${id}.steps[${index}]`;
        for (const key of Object.keys(step))
          if (!stepKeys.includes(key)) problems.push(`${at}: unknown key ${key}`);
        if ('uses' in step === 'run' in step) problems.push(`${at}: needs exactly one of uses and run`);
        if ('uses' in step && !/^[\w.-]+\/[\w./-]+@[\w.-]+$/.test(String(step['uses'])))
          problems.push(`${at}: uses ${String(step['uses'])} is not owner/repo@ref`);
        for (const map of ['with', 'env'] as const) {
          for (const value of Object.values((step[map] ?? {}) as Record<string, unknown>))
            if (value !== null && typeof value === 'object')
              problems.push(`${at}.${map}: a value is not a scalar`);
        }
      });
    }
  }
  return problems;
}

const file = new URL('../../../examples/github-actions/sparkify.yml', import.meta.url);

describe('examples/github-actions/sparkify.yml', () => {
  it('parses as YAML and follows the workflow syntax rules', () => {
    const workflow = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(workflowProblems(workflow)).toEqual([]);
  });

  it('installs, loads and checks on a schedule, and uploads the JUnit file and the HTML report', () => {
    const workflow = parse(readFileSync(file, 'utf8')) as {
      on: { schedule: { cron: string }[] };
      jobs: Record<
        string,
        { steps: { run?: string; uses?: string; if?: string; with?: { path?: string } }[] }
      >;
    };
    expect(workflow.on.schedule).toHaveLength(1);
    const steps = Object.values(workflow.jobs)[0]!.steps;
    const runs = steps.map((step) => step.run ?? '');
    const order = ['pnpm install', 'sparkify migrate', 'sparkify load', 'sparkify check', 'sparkify report'];
    const positions = order.map((command) => runs.findIndex((run) => run.includes(command)));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    const upload = steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.if).toBe('always()');
    expect(upload.with?.path?.split('\n').filter(Boolean)).toEqual(['check-results.xml', 'report.html']);
  });

  it('the validator itself refuses what GitHub refuses', () => {
    expect(
      workflowProblems({
        on: { schedule: [{ cron: '* * *' }] },
        jobs: { 'bad id': { steps: [{ run: 'x', uses: 'a/b@v1' }, { uses: 'nope' }] } },
        extra: 1,
      }),
    ).toEqual([
      'unknown top-level key extra',
      'cron * * * is not five fields',
      'job id bad id',
      'bad id: no runs-on',
      'bad id.steps[0]: needs exactly one of uses and run',
      'bad id.steps[1]: uses nope is not owner/repo@ref',
    ]);
  });
});

describe('examples/checks.json', () => {
  it('is a valid checks file that uses every check type of the watch (freshness, volume, keys, nulls)', () => {
    const text = readFileSync(new URL('../../../examples/checks.json', import.meta.url), 'utf8');
    const config = parseCheckConfig(text, 'examples/checks.json');
    expect(new Set(config.checks.map((check) => check.type))).toEqual(
      new Set(['row_count', 'freshness', 'volume_anomaly', 'unknown_keys', 'null_rate']),
    );
    // Its named checks replace the default ones of the same name, so the suite keeps one of each.
    const names = buildSuite(config).map((check) => check.name);
    expect(names.filter((name) => name === 'freshness_plays')).toHaveLength(1);
    expect(names).not.toContain('accepted_values_users_gender');
  });
});
