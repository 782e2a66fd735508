import { catalog } from '@sparkify/schema';
import type { Check, Thresholds } from './check.js';
import type { CheckSpec } from './check-spec.js';
import { numberLiteral, quoteIdentifier as q, quoteLiteral } from './sql-quote.js';

/** The name a check gets when its spec gives none: type, table and columns, e.g. `unique_users_user_id`. */
export function defaultCheckName(spec: CheckSpec): string {
  switch (spec.type) {
    case 'row_count':
      return `row_count_${spec.table}`;
    case 'not_null':
      return `not_null_${spec.table}_${spec.columns.join('_')}${spec.where ? '_where' : ''}`;
    case 'unique':
      return `unique_${spec.table}_${spec.columns.join('_')}`;
    case 'relationships':
      return `orphans_${spec.table}_${spec.column}`;
    case 'accepted_values':
      return `accepted_values_${spec.table}_${spec.column}`;
    case 'accepted_range':
      return `accepted_range_${spec.table}_${spec.column}`;
    case 'match_rate':
      return `match_rate_${spec.table}_${spec.column}`;
    case 'file_accounting':
      return 'ledger_file_accounting';
    case 'nextsong_reconciliation':
      return 'ledger_nextsong_songplays';
    case 'sql':
      return spec.name;
  }
}

/** The primary-key columns the catalog knows for a table, to say which row failed; none for other tables. */
function sampleKeyOf(table: string, tested: readonly string[]): string[] {
  const primaryKey = catalog.find((candidate) => candidate.name === table)?.primaryKey ?? [];
  return [...primaryKey.filter((column) => !tested.includes(column)), ...tested];
}

const countWhere = (predicate: string): string => `SUM(CASE WHEN ${predicate} THEN 1 ELSE 0 END)`;

interface Shape {
  table: string | null;
  description: string;
  sql: string;
  keyColumns: string[];
  countExpression?: string;
  measure?: Check['measure'];
  defaultSeverity?: Check['severity'];
}

/** Predicate checks on one table: failing rows are the rows matching `predicate`. */
function predicateShape(table: string, predicate: string, tested: string[], description: string): Shape {
  const keyColumns = sampleKeyOf(table, tested);
  return {
    table,
    description,
    sql: `SELECT ${keyColumns.map(q).join(', ')} FROM ${q(table)} WHERE ${predicate}`,
    keyColumns,
    countExpression: countWhere(predicate),
  };
}

function shapeOf(spec: CheckSpec): Shape {
  switch (spec.type) {
    case 'row_count': {
      const min = spec.min ?? 1;
      const tooFew = `COUNT(*) < ${numberLiteral(min)}`;
      const bounds = spec.max === undefined ? tooFew : `${tooFew} OR COUNT(*) > ${numberLiteral(spec.max)}`;
      const outside =
        spec.max === undefined
          ? `row_count < ${numberLiteral(min)}`
          : `row_count < ${numberLiteral(min)} OR row_count > ${numberLiteral(spec.max)}`;
      return {
        table: spec.table,
        description: `${spec.table} holds at least ${min}${spec.max === undefined ? '' : ` and at most ${spec.max}`} rows`,
        sql: `SELECT row_count FROM (SELECT COUNT(*) AS row_count FROM ${q(spec.table)}) AS counted WHERE ${outside}`,
        keyColumns: ['row_count'],
        countExpression: `CASE WHEN ${bounds} THEN 1 ELSE 0 END`,
        measure: { label: 'rows', expression: 'COUNT(*)' },
      };
    }
    case 'not_null': {
      const anyNull = spec.columns.map((column) => `${q(column)} IS NULL`).join(' OR ');
      const predicate = spec.where ? `(${spec.where}) AND (${anyNull})` : anyNull;
      const when = spec.where ? ` when ${spec.where}` : '';
      return predicateShape(
        spec.table,
        predicate,
        spec.columns,
        `${spec.table}.${spec.columns.join(', ')} never NULL${when}`,
      );
    }
    case 'unique': {
      const columns = spec.columns.map(q).join(', ');
      const present = spec.columns.map((column) => `${q(column)} IS NOT NULL`).join(' AND ');
      return {
        table: spec.table,
        description: `no two ${spec.table} rows share (${spec.columns.join(', ')})`,
        sql: `SELECT ${columns}, COUNT(*) AS copies FROM ${q(spec.table)} WHERE ${present} GROUP BY ${columns} HAVING COUNT(*) > 1`,
        keyColumns: [...spec.columns, 'copies'],
      };
    }
    case 'relationships':
      // One failing row per missing parent key (with how many rows point at it), not per child row: the sample
      // then names distinct keys, and a million songplays of one deleted user stay one line.
      return {
        table: spec.table,
        description: `every ${spec.table}.${spec.column} exists in ${spec.to}.${spec.field}`,
        sql:
          `SELECT child.${q(spec.column)}, COUNT(*) AS referencing_rows FROM ${q(spec.table)} AS child ` +
          `LEFT JOIN ${q(spec.to)} AS parent ON parent.${q(spec.field)} = child.${q(spec.column)} ` +
          `WHERE child.${q(spec.column)} IS NOT NULL AND parent.${q(spec.field)} IS NULL GROUP BY child.${q(spec.column)}`,
        keyColumns: [spec.column, 'referencing_rows'],
      };
    case 'accepted_values':
      return predicateShape(
        spec.table,
        `${q(spec.column)} IS NOT NULL AND ${q(spec.column)} NOT IN (${spec.values.map(quoteLiteral).join(', ')})`,
        [spec.column],
        `${spec.table}.${spec.column} in (${spec.values.join(', ')}) or NULL`,
      );
    case 'accepted_range': {
      const outside = [
        ...(spec.min === undefined ? [] : [`${q(spec.column)} < ${numberLiteral(spec.min)}`]),
        ...(spec.max === undefined ? [] : [`${q(spec.column)} > ${numberLiteral(spec.max)}`]),
      ];
      return predicateShape(
        spec.table,
        outside.length > 1 ? `(${outside.join(' OR ')})` : (outside[0] ?? '1 = 0'),
        [spec.column],
        `${spec.table}.${spec.column} within [${spec.min ?? '-inf'}, ${spec.max ?? 'inf'}] or NULL`,
      );
    }
    case 'match_rate': {
      const matched = countWhere(`${q(spec.column)} IS NOT NULL`);
      const min = numberLiteral(spec.min);
      return {
        table: spec.table,
        description: `at least ${spec.min * 100}% of ${spec.table} rows have ${spec.column}`,
        sql:
          `SELECT matched, total, CAST(matched AS DOUBLE PRECISION) / total AS match_rate FROM ` +
          `(SELECT ${matched} AS matched, COUNT(*) AS total FROM ${q(spec.table)}) AS counted ` +
          `WHERE total > 0 AND matched < ${min} * total`,
        keyColumns: ['matched', 'total', 'match_rate'],
        countExpression: `CASE WHEN COUNT(*) > 0 AND ${matched} < ${min} * COUNT(*) THEN 1 ELSE 0 END`,
        measure: {
          label: 'match rate',
          expression: `CAST(${matched} AS DOUBLE PRECISION) / NULLIF(COUNT(*), 0)`,
        },
        defaultSeverity: 'warn',
      };
    }
    case 'file_accounting':
      return {
        table: 'etl_files',
        description: 'every loaded file: records read = staged + rejected',
        sql:
          'SELECT run_id, object_key, records_read, records_staged, records_rejected FROM etl_files ' +
          'WHERE records_read <> records_staged + records_rejected',
        keyColumns: ['run_id', 'object_key'],
        countExpression: countWhere('records_read <> records_staged + records_rejected'),
      };
    case 'nextsong_reconciliation':
      // Per event, not per count: a re-delivered file stages events that already have their songplay, so
      // "NextSong staged = songplays added" only holds event by event. Only meaningful when the newest run
      // succeeded: a failed or running one may have staged events it never transformed.
      return {
        table: 'staging_events',
        description: 'after a successful load, every staged NextSong event has its songplay',
        sql:
          'SELECT staged.session_id, staged.item_in_session, COUNT(*) AS staged_copies FROM staging_events AS staged ' +
          "JOIN (SELECT run_id FROM etl_runs WHERE status = 'succeeded' AND run_id = (SELECT MAX(run_id) FROM etl_runs)) AS latest ON 1 = 1 " +
          'LEFT JOIN songplays AS play ON play.session_id = staged.session_id AND play.item_in_session = staged.item_in_session ' +
          "WHERE staged.page = 'NextSong' AND play.songplay_id IS NULL GROUP BY staged.session_id, staged.item_in_session",
        keyColumns: ['session_id', 'item_in_session'],
      };
    case 'sql':
      return {
        table: spec.table ?? null,
        description: spec.description ?? 'custom query returning failing rows',
        sql: spec.sql.trim().replace(/;\s*$/, ''),
        keyColumns: spec.keyColumns ?? [],
      };
  }
}

/** Turns a declarative check spec into a check: the SQL returning its failing rows plus how to judge them. */
export function buildCheck(spec: CheckSpec): Check {
  const shape = shapeOf(spec);
  const thresholds: Thresholds = {};
  if (spec.warnAbove !== undefined) thresholds.warnAbove = spec.warnAbove;
  if (spec.errorAbove !== undefined) thresholds.errorAbove = spec.errorAbove;
  const check: Check = {
    name: spec.name ?? defaultCheckName(spec),
    type: spec.type,
    table: shape.table,
    description: spec.description ?? shape.description,
    severity: spec.severity ?? shape.defaultSeverity ?? 'error',
    thresholds,
    sql: shape.sql,
    keyColumns: shape.keyColumns,
  };
  if (shape.countExpression) check.countExpression = shape.countExpression;
  if (shape.measure) check.measure = shape.measure;
  return check;
}
