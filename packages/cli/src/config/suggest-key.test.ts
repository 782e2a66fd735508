import { describe, expect, it } from 'vitest';
import { suggestKey } from './suggest-key.js';
import { settingKeys } from './setting-keys.js';

const known = settingKeys.map((setting) => setting.key);

describe('suggestKey', () => {
  it('finds the key a typo meant', () => {
    expect(suggestKey('databse', known)).toBe('databaseUrl');
    expect(suggestKey('databaseURL', known)).toBe('databaseUrl');
    expect(suggestKey('redshift.hots', known)).toBe('redshift.host');
    expect(suggestKey('s3.sorce', known)).toBe('s3.source');
    expect(suggestKey('traget', known)).toBe('target');
  });

  it('suggests nothing for a word unlike every key', () => {
    expect(suggestKey('colour', known)).toBeUndefined();
    expect(suggestKey('x', known)).toBeUndefined();
  });
});
