import { describe, expect, it } from 'vitest';
import { asDiskFull, LoaderError } from './errors.js';

const databaseError = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('asDiskFull', () => {
  it("names a full disk as PostgreSQL (53100) and Redshift (error 1016, 'Disk Full') report it, through causes", () => {
    const postgres = databaseError('could not extend file "base/1/2": No space left on device', '53100');
    expect(asDiskFull(postgres)).toMatchObject({
      code: 'DISK_FULL',
      message: expect.stringMatching(/^the database's disk is full \(could not extend file/) as unknown,
    });
    const redshift = databaseError('Disk Full', 'XX000');
    const copy = new LoaderError(
      'COPY_FAILED',
      'Redshift COPY into staging_events_raw failed: XX000: Disk Full',
      {
        cause: redshift,
      },
    );
    expect(asDiskFull(copy)).toMatchObject({ code: 'DISK_FULL' });
  });

  it('leaves everything else as it was, including a reason that merely quotes the words', () => {
    const bad = new LoaderError(
      'BAD_RECORDS',
      'a.json line 2 /song: expected integer, got string "Disk Full"',
    );
    expect(asDiskFull(bad)).toBe(bad);
    const other = databaseError('relation "users" does not exist', '42P01');
    expect(asDiskFull(other)).toBe(other);
  });
});
