import { describe, expect, it } from 'vitest';
import { formatNextSteps } from './demo.js';

describe('formatNextSteps', () => {
  const text = formatNextSteps({ folder: '/w/.sparkify/demo/demo-data', home: '/w/.sparkify/demo' });

  it('says where the sample and the demo warehouse are, and how to open psql on it', () => {
    expect(text).toContain('  the sample        /w/.sparkify/demo/demo-data (song_data/ and log_data/)');
    expect(text).toContain(
      "the demo's own embedded PostgreSQL in /w/.sparkify/demo (your warehouse was not touched)",
    );
    expect(text).toContain('psql "$(SPARKIFY_HOME="/w/.sparkify/demo" pnpm sparkify db url)"');
  });

  it('says how to load your own folder, that the server keeps running, and how to stop and remove it', () => {
    expect(text).toContain('pnpm migrate && pnpm load --source ./my-folder');
    expect(text).toContain("the demo's PostgreSQL keeps running");
    expect(text).toContain(
      'SPARKIFY_HOME="/w/.sparkify/demo" pnpm sparkify db stop   (and rm -rf "/w/.sparkify/demo"',
    );
  });
});
