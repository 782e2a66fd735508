import { describe, expect, it } from 'vitest';
import type { Migration } from './migration.js';
import { planMigrationSql, resolveMigrationSteps } from './migrator.js';

const migration = (name: string): Migration => ({
  name,
  up: { postgres: [`CREATE TABLE ${name} (id INT)`], redshift: [`CREATE TABLE ${name} (id INT)`] },
  down: { postgres: [`DROP TABLE ${name}`], redshift: [`DROP TABLE ${name}`] },
});
const list = ['m1', 'm2', 'm3', 'm4'].map(migration);

describe('resolveMigrationSteps', () => {
  it('applies what is pending, up to the target, in list order', () => {
    expect(resolveMigrationSteps(list, ['m1'], { latest: true })).toEqual({
      direction: 'up',
      names: ['m2', 'm3', 'm4'],
    });
    expect(resolveMigrationSteps(list, ['m1'], { to: 'm3' })).toEqual({
      direction: 'up',
      names: ['m2', 'm3'],
    });
    expect(resolveMigrationSteps(list, ['m1', 'm2'], { to: 'm2' })).toEqual({ direction: 'up', names: [] });
  });

  it('undoes newest first: to a migration already passed, by steps, after one, or all', () => {
    const applied = ['m1', 'm2', 'm3', 'm4'];
    expect(resolveMigrationSteps(list, applied, { to: 'm2' })).toEqual({
      direction: 'down',
      names: ['m4', 'm3'],
    });
    expect(resolveMigrationSteps(list, applied, { steps: 1 })).toEqual({ direction: 'down', names: ['m4'] });
    expect(resolveMigrationSteps(list, applied, { steps: 9 })).toEqual({
      direction: 'down',
      names: ['m4', 'm3', 'm2', 'm1'],
    });
    expect(resolveMigrationSteps(list, applied, { after: 'm3' })).toEqual({
      direction: 'down',
      names: ['m4'],
    });
    expect(resolveMigrationSteps(list, applied, { all: true })).toEqual({
      direction: 'down',
      names: ['m4', 'm3', 'm2', 'm1'],
    });
  });

  it('names an unknown target and refuses to roll back to one that is not applied', () => {
    expect(() => resolveMigrationSteps(list, [], { to: 'nope' })).toThrow(
      expect.objectContaining({
        code: 'MIGRATION_UNKNOWN',
        message: expect.stringContaining('Known: m1, m2, m3, m4') as unknown,
      }),
    );
    expect(() => resolveMigrationSteps(list, ['m1'], { after: 'm2' })).toThrow(
      'Migration "m2" is not applied.',
    );
    expect(() => resolveMigrationSteps(list, ['m1', 'm3'], { to: 'm2' })).toThrow(
      'Migration "m2" is not applied.',
    );
  });
});

describe('planMigrationSql', () => {
  it('plans through the same resolver: up from empty, down as if all were applied', () => {
    const sql = (target: Parameters<typeof planMigrationSql>[0]) =>
      planMigrationSql(target).map((statement) => statement.sql);
    expect(sql({ dialect: 'postgres', migrations: list, direction: 'up', to: 'm2' })).toEqual([
      'CREATE TABLE m1 (id INT)',
      'CREATE TABLE m2 (id INT)',
    ]);
    expect(sql({ dialect: 'redshift', migrations: list, direction: 'down', steps: 2 })).toEqual([
      'DROP TABLE m4',
      'DROP TABLE m3',
    ]);
    expect(sql({ dialect: 'redshift', migrations: list, direction: 'down', to: 'm3' })).toEqual([
      'DROP TABLE m4',
    ]);
    expect(sql({ dialect: 'postgres', migrations: list, direction: 'down' })).toEqual([
      'DROP TABLE m4',
      'DROP TABLE m3',
      'DROP TABLE m2',
      'DROP TABLE m1',
    ]);
  });
});
