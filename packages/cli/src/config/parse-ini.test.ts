import { describe, expect, it } from 'vitest';
import { parseIni } from './parse-ini.js';

describe('parseIni', () => {
  it('reads a classic dwh.cfg: quoted values, case-insensitive keys, comments', () => {
    const ini = parseIni(
      [
        '; the Udacity template',
        '[CLUSTER]',
        "HOST='dwh.abc123.us-west-2.redshift.amazonaws.com'",
        'db_name = "dev"',
        '# a comment',
        'DB_PORT: 5439',
        '',
        '[iam_role]',
        'ARN = arn:aws:iam::123456789012:role/dwhRole',
      ].join('\r\n'),
    );
    expect(ini.get('CLUSTER')?.get('HOST')).toBe('dwh.abc123.us-west-2.redshift.amazonaws.com');
    expect(ini.get('CLUSTER')?.get('DB_NAME')).toBe('dev');
    expect(ini.get('CLUSTER')?.get('DB_PORT')).toBe('5439');
    expect(ini.get('IAM_ROLE')?.get('ARN')).toBe('arn:aws:iam::123456789012:role/dwhRole');
  });

  it('keeps a value containing = and ignores lines outside a section', () => {
    const ini = parseIni('stray=1\n[S3]\nLOG_DATA=s3://bucket/log_data?x=1\n');
    expect(ini.get('S3')?.get('LOG_DATA')).toBe('s3://bucket/log_data?x=1');
    expect(ini.size).toBe(1);
  });
});
