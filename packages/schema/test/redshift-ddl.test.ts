import { describe, expect, it } from 'vitest';
import { catalog, migrations, redshiftTableAttributes } from '../src/index.js';

/** Each CREATE TABLE of the frozen Redshift migrations, by table name: its closing attribute clause. */
function frozenAttributes(): Map<string, string> {
  const clauses = new Map<string, string>();
  for (const migration of migrations) {
    for (const statement of migration.up.redshift) {
      // A table rebuilt under another name and renamed (0008 redistributes songplays) takes its new clause along.
      const renamed = /^\s*ALTER TABLE (\w+) RENAME TO (\w+)/i.exec(statement);
      if (renamed) {
        clauses.set(renamed[2]!, clauses.get(renamed[1]!) ?? '');
        clauses.delete(renamed[1]!);
        continue;
      }
      const table = /^\s*CREATE TABLE (?:IF NOT EXISTS )?(\w+)/i.exec(statement)?.[1];
      if (!table) continue;
      const clause = /\)\s*((?:DISTSTYLE|BACKUP|COMPOUND|SORTKEY)(?:[^()]|\([^)]*\))*?)\s*;?\s*$/i.exec(
        statement,
      )?.[1];
      // COMPOUND is Redshift's default sort style: the same table with or without the word.
      clauses.set(table, (clause ?? '').replace(/\bCOMPOUND /, '').trim());
    }
  }
  return clauses;
}

describe("the catalog's Redshift hints", () => {
  it('generate the attribute clause every frozen Redshift CREATE TABLE ends with', () => {
    const frozen = frozenAttributes();
    for (const table of catalog) {
      expect({ table: table.name, clause: frozen.get(table.name) }).toEqual({
        table: table.name,
        clause: redshiftTableAttributes(table),
      });
    }
  });

  it('read as Redshift writes them', () => {
    const byName = new Map(catalog.map((table) => [table.name, table]));
    expect(redshiftTableAttributes(byName.get('staging_events')!)).toBe('BACKUP NO DISTSTYLE EVEN');
    expect(redshiftTableAttributes(byName.get('songplays')!)).toBe(
      'DISTSTYLE KEY DISTKEY (session_id) SORTKEY (start_time)',
    );
    expect(redshiftTableAttributes(byName.get('etl_lock')!)).toBe('DISTSTYLE ALL');
    expect(redshiftTableAttributes(byName.get('etl_play_alternates')!)).toBe(
      'DISTSTYLE KEY DISTKEY (session_id) SORTKEY (session_id)',
    );
  });
});
