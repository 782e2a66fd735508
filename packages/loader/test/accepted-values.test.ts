import { readFileSync } from 'node:fs';
import { acceptedValues } from '@sparkify/schema';
import { describe, expect, it } from 'vitest';
import type { EtlRejectRow } from '@sparkify/testkit';
import { schemaFiles } from '../src/index.js';
import { loadInto, migratedWarehouses, ndjson, play, writeFixture } from './fixtures.js';

const freshWarehouse = migratedWarehouses('loader_accepted');

describe('one contract for accepted values', () => {
  it('the events JSON Schema enforces exactly the enforced fields of the contract, with its values', () => {
    const schema = JSON.parse(readFileSync(schemaFiles.events, 'utf8')) as {
      properties: Record<string, { enum?: string[] }>;
    };
    for (const [field, rule] of Object.entries(acceptedValues)) {
      expect({ field, enum: schema.properties[field]?.enum }).toEqual({
        field,
        enum: rule.enforced ? [...rule.values] : undefined,
      });
    }
  });

  it('a level of "PAID" is a bad record naming the field; a new gender value is real data and loads', async () => {
    const db = await freshWarehouse();
    const day = ndjson([
      play({ ts: 1541106106796, level: 'PAID' }),
      play({ ts: 1541106107796, userId: '11', gender: 'X' }),
    ]);
    const result = await loadInto(db.knex, {
      source: {
        source: writeFixture({ 'log_data/2018/11/2018-11-02-events.json': day, 'song_data/README': '' }),
      },
      maxErrors: 1,
      oneDataset: true,
    });
    expect(result.status).toBe('succeeded');
    const rejects = (await db.knex('etl_rejects').where({ run_id: result.runId })) as EtlRejectRow[];
    expect(rejects.map((reject) => [reject.line_number, reject.field])).toEqual([[1, '/level']]);
    expect(rejects[0]!.reason).toMatch(/free.*paid|paid.*free/);
    expect(await db.knex('users').select('user_id', 'gender')).toEqual([{ user_id: 11, gender: 'X' }]);
  });
});
