import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '@sparkify/testkit';
import type { Dataset } from '../src/dataset.js';
import { defaultRecordRules } from '../src/records/ambiguous-json.js';
import { encodeRecord } from '../src/records/encode-record.js';
import { recordRules } from '../src/validation/record-rules.js';
import { validationStatements } from '../src/validation/validation-sql.js';
import { badInputCases } from './bad-input-corpus.js';
import { migratedWarehouses, play, smallDataset, song, visit } from './fixtures.js';

const freshWarehouse = migratedWarehouses('loader_validation_pass');

interface Judged {
  dataset: Dataset;
  text: string;
}

/** What this process says of a record: 'valid', or the field it names (null for the record itself). */
function processVerdict({ dataset, text }: Judged): string | null {
  const problem = encodeRecord(dataset, text).problem;
  return problem ? problem.field : 'valid';
}

/**
 * The records of the corpus that reach the warehouse's pass: each one that parses as JSON. What does not parse
 * (a truncated line, invalid UTF-8, two records on a line) never becomes a document: COPY's own parser rejects
 * it with its line number, as the loader's reader does here.
 */
function corpusRecords(): Judged[] {
  const records: Judged[] = [];
  badInputCases.forEach((badCase, index) => {
    for (const [key, body] of Object.entries(badCase.files(index))) {
      if (key.endsWith('.gz')) continue;
      const text = Buffer.isBuffer(body) ? body.toString('utf8') : body;
      const dataset: Dataset = key.startsWith('log_data/') ? 'events' : 'songs';
      const pieces = dataset === 'events' ? text.split('\n') : [text];
      for (const piece of pieces) {
        if (piece.trim() === '' || Buffer.byteLength(piece) > 4 * 1024 * 1024) continue;
        try {
          JSON.parse(piece);
        } catch {
          continue;
        }
        records.push({ dataset, text: piece });
      }
    }
  });
  const { songFiles, dayFiles } = smallDataset();
  for (const body of Object.values(songFiles)) records.push({ dataset: 'songs', text: String(body) });
  for (const body of Object.values(dayFiles)) {
    for (const piece of body.split('\n')) if (piece.trim()) records.push({ dataset: 'events', text: piece });
  }
  return records;
}

/**
 * Sends SQL as the stager does, on a connection of its own: knex.raw would read the `?` of a schema's pattern
 * as a bind parameter.
 */
async function sendAsIs<Row>(db: TestDatabase, sql: string): Promise<Row[]> {
  // knex types its client `any`: the part of it used here, one pooled session lent and given back.
  const pool = db.knex.client as {
    acquireConnection(): Promise<{ query(sql: string): Promise<{ rows: Row[] }> }>;
    releaseConnection(connection: unknown): Promise<void>;
  };
  const connection = await pool.acquireConnection();
  try {
    return (await connection.query(sql)).rows;
  } finally {
    await pool.releaseConnection(connection);
  }
}

/** Runs the generated PostgreSQL pass over the records; per record: 'valid', or the field its first broken rule names. */
async function warehouseVerdicts(db: TestDatabase, records: readonly Judged[]): Promise<(string | null)[]> {
  const verdicts: (string | null)[] = records.map(() => 'valid');
  for (const dataset of ['events', 'songs'] as const) {
    const docs = `staging_${dataset}_docs`;
    await db.knex.raw(`DELETE FROM ${docs}`);
    const indexes = records.flatMap((record, index) => (record.dataset === dataset ? [index] : []));
    for (const index of indexes) {
      await db.knex.raw(`INSERT INTO ${docs} (object_id, doc) VALUES (?, CAST(? AS JSONB))`, [
        index,
        records[index]!.text,
      ]);
    }
    const rules = recordRules(dataset, defaultRecordRules);
    const statements = validationStatements('postgres', dataset, rules, records.length);
    const rows = await sendAsIs<{ object_id: number; rule: number }>(db, statements.sampleRejects);
    for (const row of rows) verdicts[row.object_id] = rules[row.rule - 1]!.problem.field;
    const counted = await sendAsIs<{ rejected: string }>(db, statements.countRejects);
    expect(counted.reduce((sum, row) => sum + Number(row.rejected), 0)).toBe(rows.length);
  }
  return verdicts;
}

describe("the warehouse's validation pass (generated from the JSON Schemas)", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshWarehouse();
  });

  it('agrees with the JSON Schemas record by record on the whole bad-input corpus and the good data', async () => {
    const records = corpusRecords();
    expect(records.length).toBeGreaterThan(40);
    const expected = records.map(processVerdict);
    // The corpus is mostly bad: many distinct fields are named, and good records are there too.
    expect(new Set(expected).size).toBeGreaterThan(10);
    expect(expected).toContain('valid');
    const actual = await warehouseVerdicts(db, records);
    const disagreements = records
      .map((record, index) => ({
        text: record.text.slice(0, 200),
        expected: expected[index],
        actual: actual[index],
      }))
      .filter((entry) => entry.expected !== entry.actual);
    expect(disagreements).toEqual([]);
  });

  it('agrees on generated records with hostile values in random fields (fast-check, seed printed on failure)', async () => {
    const hostile: unknown[] = [
      null,
      '',
      ' ',
      'free ',
      'PAID',
      'paid',
      'NextSong',
      'NextSong ',
      -1,
      0,
      7.5,
      7.0,
      2147483647,
      2147483648,
      946684799999,
      99_999_999_999_999,
      '12',
      '12a',
      '1234567890',
      true,
      [],
      {},
      'x'.repeat(600),
      'é'.repeat(300),
      'Title ',
    ];
    const mutation = fc.record({
      key: fc.oneof(fc.constantFrom(...Object.keys(play())), fc.constantFrom(...Object.keys(song()))),
      value: fc.oneof(fc.constantFrom(...hostile), fc.constant(undefined)),
    });
    const record = fc.record({
      base: fc.constantFrom('play', 'visit', 'song'),
      mutations: fc.array(mutation, { minLength: 0, maxLength: 3 }),
    });
    const seen = new Set<string | null>();
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 20, maxLength: 60 }), async (drawn) => {
        const records: Judged[] = drawn.map(({ base, mutations }) => {
          const value: Record<string, unknown> =
            base === 'song' ? song() : base === 'visit' ? visit() : play();
          for (const { key, value: replacement } of mutations) {
            if (!(key in value)) continue;
            if (replacement === undefined) delete value[key];
            else value[key] = replacement;
          }
          return { dataset: base === 'song' ? 'songs' : 'events', text: JSON.stringify(value) };
        });
        const actual = await warehouseVerdicts(db, records);
        const expected = records.map(processVerdict);
        for (const verdict of expected) seen.add(verdict);
        expect(actual).toEqual(expected);
      }),
      { numRuns: 20, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31), verbose: true },
    );
    // The draws exercised the rules: valid records and many distinct fields named.
    expect(seen).toContain('valid');
    expect(seen.size).toBeGreaterThan(10);
  });
});
