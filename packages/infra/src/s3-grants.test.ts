import { describe, expect, it } from 'vitest';
import { copyReadsFor, copyRoleStatements, parseCopyRead } from './s3-grants.js';

describe('parseCopyRead', () => {
  it('gives a prefix its trailing slash, so log_data does not also grant log_data_old/', () => {
    expect(parseCopyRead('s3://udacity-dend/log_data', 'prefix', 'log data')).toEqual({
      bucket: 'udacity-dend',
      key: 'log_data/',
      kind: 'prefix',
      purpose: 'log data',
    });
    expect(parseCopyRead('s3://bucket', 'prefix', 'song data').key).toBe('');
  });

  it('refuses wildcards, folders given as objects and non-S3 locations, naming the setting', () => {
    expect(() => parseCopyRead('s3://bucket/raw/*', 'prefix', 'song data')).toThrow(/song data: .*wildcard/);
    expect(() => parseCopyRead('s3://bucket/paths/', 'object', 'log JSONPaths')).toThrow(
      /log JSONPaths: .*names a folder/,
    );
    expect(() => parseCopyRead('./data', 'prefix', 'song data')).toThrow(/not an S3 location/);
  });
});

describe('copyRoleStatements', () => {
  it('grants GetObject under each prefix, ListBucket per bucket limited by s3:prefix, and no KMS without a key', () => {
    const reads = copyReadsFor({
      songData: 's3://a-bucket/raw/song_data',
      manifestPrefix: 's3://b-bucket/m',
    });
    expect(copyRoleStatements(reads)).toEqual([
      {
        Sid: 'ReadConfiguredObjects',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: ['arn:aws:s3:::a-bucket/raw/song_data/*', 'arn:aws:s3:::b-bucket/m/*'],
      },
      {
        Sid: 'ListConfiguredPrefixes1',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::a-bucket',
        Condition: { StringLike: { 's3:prefix': ['raw/song_data/', 'raw/song_data/*'] } },
      },
      {
        Sid: 'ListConfiguredPrefixes2',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::b-bucket',
        Condition: { StringLike: { 's3:prefix': ['m/', 'm/*'] } },
      },
    ]);
  });

  it('lists a whole bucket only when the whole bucket is the source, and decrypts with the given key only', () => {
    const key = 'arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const statements = copyRoleStatements(copyReadsFor({ songData: 's3://whole-bucket' }), key);
    expect(statements[1]).toEqual({
      Sid: 'ListConfiguredPrefixes1',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::whole-bucket',
    });
    expect(statements[2]).toEqual({
      Sid: 'DecryptSourceObjects',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: key,
    });
  });

  it('grants nothing when nothing is configured', () => {
    expect(copyRoleStatements([])).toEqual([]);
  });
});
