import { describe, expect, it } from 'vitest';
import { AnalyticsError } from '@sparkify/analytics';
import { GeneratorOptionsError, SinkWriteError } from '@sparkify/generator';
import { InfraError } from '@sparkify/infra';
import { LoaderError } from '@sparkify/loader';
import { LocalPostgresError } from '@sparkify/local-postgres';
import { QualityError } from '@sparkify/quality';
import { SchemaError } from '@sparkify/schema';
import { ExplainedError } from './errors.js';
import { reportError } from './report-error.js';

describe('reportError: the one place library errors become exit codes', () => {
  it("a load's data failures exit 1; what stopped it exits 130 or 143 as the signal; every other library error 2", () => {
    const cases: [Error, unknown, number][] = [
      [new LoaderError('BAD_RECORDS', '3 bad records'), undefined, 1],
      [new LoaderError('COPY_FAILED', 'Redshift COPY failed'), undefined, 1],
      [new LoaderError('INTERRUPTED', 'interrupted'), 'SIGINT', 130],
      [new LoaderError('INTERRUPTED', 'interrupted'), 'SIGTERM', 143],
      [new LoaderError('LOCKED', 'held by host:1'), undefined, 2],
      [new LoaderError('DISK_FULL', "the database's disk is full"), undefined, 2],
      [new QualityError('CHECK_CONFIG_INVALID', 'checks.yml line 3'), undefined, 2],
      [new InfraError('SETTINGS_INVALID', '--node-type'), undefined, 2],
      [new LocalPostgresError('NO_PORT', 'no free port'), undefined, 2],
      [new AnalyticsError('QUESTION_UNKNOWN', 'no question "x"'), undefined, 2],
      [new GeneratorOptionsError('--days: expected 1 to 365'), undefined, 2],
      [new SinkWriteError('log_data/a.json', { cause: new Error('EACCES') }), undefined, 2],
    ];
    for (const [error, signal, exitCode] of cases) {
      expect({ error: error.message, ...reportError(error, false, signal) }).toEqual({
        error: error.message,
        message: error.message,
        exitCode,
      });
    }
  });

  it('a schema error names its code; an explained error keeps its own words and its library exit code', () => {
    expect(reportError(new SchemaError('MIGRATION_LOCKED', 'a migration is running'), false)).toEqual({
      message: 'a migration is running [MIGRATION_LOCKED]',
      exitCode: 2,
    });
    const bad = new LoaderError('BAD_RECORDS', '3 bad records');
    expect(
      reportError(new ExplainedError('3 bad records (warehouse at 127.0.0.1:5432)', bad), false),
    ).toEqual({
      message: '3 bad records (warehouse at 127.0.0.1:5432)',
      exitCode: 1,
    });
  });

  it('anything else is an unexpected error, exit 2', () => {
    expect(reportError(new TypeError('x is undefined'), false)).toMatchObject({
      message: expect.stringMatching(/^unexpected error: x is undefined/) as unknown,
      exitCode: 2,
    });
  });
});
