import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain script, without types
import { compileSchemas, generatedFile } from '../scripts/compile-schemas.mjs';
import { schemaDocuments, schemaFiles } from '../src/index.js';

describe('the compiled JSON Schemas', () => {
  it('are the schema files as they are now (run `pnpm --filter @sparkify/loader compile-schemas` after an edit)', () => {
    const current = readFileSync(generatedFile as string, 'utf8');
    expect(current, 'compiled-schemas.generated.ts is out of date').toBe((compileSchemas as () => string)());
  });

  it('carry the documents of the shipped files, key for key', () => {
    for (const dataset of ['events', 'songs'] as const) {
      expect(schemaDocuments[dataset]).toEqual(JSON.parse(readFileSync(schemaFiles[dataset], 'utf8')));
    }
  });
});
