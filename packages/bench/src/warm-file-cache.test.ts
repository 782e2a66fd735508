import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { warmFileCache } from './warm-file-cache.js';

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('warmFileCache', () => {
  it('reads every byte of every file below song_data/ and log_data/, and nothing beside them', () => {
    root = mkdtempSync(join(tmpdir(), 'sparkify-warm-'));
    mkdirSync(join(root, 'song_data', 'A', 'B'), { recursive: true });
    mkdirSync(join(root, 'log_data', '2018', '11'), { recursive: true });
    writeFileSync(join(root, 'song_data', 'A', 'B', 'one.json'), 'x'.repeat(10));
    writeFileSync(join(root, 'song_data', 'A', 'two.json'), '');
    // Larger than the read buffer: read in several chunks.
    writeFileSync(join(root, 'log_data', '2018', '11', 'day.json'), Buffer.alloc(3 * 1024 * 1024 + 5));
    writeFileSync(join(root, 'dataset.json'), 'not a source file');
    const warmed = warmFileCache(root);
    expect(warmed.files).toBe(3);
    expect(warmed.bytes).toBe(10 + 3 * 1024 * 1024 + 5);
    expect(warmed.seconds).toBeGreaterThanOrEqual(0);
  });
});
