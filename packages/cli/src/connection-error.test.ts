import { describe, expect, it } from 'vitest';
import { describeConnectionError } from './connection-error.js';

function errorWith(code: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code, ...extra });
}

describe('describeConnectionError', () => {
  const endpoint = { host: 'db.example', port: 5439, database: 'dev' };

  it('names host:port and the cause for network, auth and database errors', () => {
    expect(describeConnectionError(errorWith('ECONNREFUSED', 'connect ECONNREFUSED'), endpoint)).toBe(
      'cannot connect to db.example:5439 (database dev): connection refused (is the server running and listening on that port?)',
    );
    expect(
      describeConnectionError(errorWith('28P01', 'password authentication failed for user "x"'), endpoint),
    ).toContain('password authentication failed');
    expect(describeConnectionError(errorWith('3D000', 'database "dev" does not exist'), endpoint)).toContain(
      'create it',
    );
    expect(
      describeConnectionError(new Error('Connection terminated due to connection timeout'), endpoint),
    ).toContain('timed out');
  });

  it('unwraps the AggregateError Node gives for a refused localhost and finds the address in it', () => {
    const aggregate = Object.assign(
      new AggregateError([errorWith('ECONNREFUSED', 'x', { address: '::1', port: 5432 })], ''),
      {
        code: 'ECONNREFUSED',
      },
    );
    expect(describeConnectionError(aggregate)).toBe(
      'cannot connect to ::1:5432: connection refused (is the server running and listening on that port?)',
    );
  });

  it('suggests --tls no-verify for certificate problems and hides URL passwords', () => {
    const tls = describeConnectionError(
      errorWith('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in chain'),
      endpoint,
    );
    expect(tls).toContain('--tls no-verify');
    const withUrl = describeConnectionError(
      errorWith('28000', 'no pg_hba.conf entry for postgres://u:hunter22@x/db'),
    );
    expect(withUrl).toContain('postgres://u:***@x/db');
    expect(withUrl).not.toContain('hunter22');
  });

  it('is undefined for errors that are not about connecting', () => {
    expect(describeConnectionError(errorWith('42P01', 'relation "songs" does not exist'))).toBeUndefined();
    expect(describeConnectionError(new Error('boom'))).toBeUndefined();
  });
});
