import { type Dialect, stagingDocuments } from '@sparkify/schema';
import { type Dataset, stagingTable } from '../dataset.js';
import { LoaderError } from '../errors.js';
import { sqlLiteral } from '../staging/redshift-sql.js';
import type { JsonType, RecordRule, RuleCondition, Violation } from './record-rules.js';

/**
 * How one dialect reads a document's values: the one place where PostgreSQL's JSONB and Redshift's SUPER differ.
 * Everything else in the validation pass is the same text on both.
 */
interface DocumentDialect {
  /** The JSON type of the record itself: 'object', 'array', 'string', 'number', 'boolean' or 'null'. */
  recordType: string;
  /** The JSON type of a key's value, as the same six words; SQL NULL when the key is missing. */
  typeOf(key: string): string;
  /** A string value as text (only read where typeOf says 'string'). */
  text(key: string): string;
  /** A number value as a double (only read where typeOf says 'number' and the value is finite). */
  number(key: string): string;
  /** True when a number value is beyond a double's range (JSON.parse makes it Infinity, which ajv refuses). */
  infinite(key: string): string;
  /** The whole document as JSON text, for the ledger's raw_record (NULL when too large to serialise). */
  serialized: string;
  /** A value cast to a staging column's type. */
  cast(key: string, sqlType: string, kind: string): string;
}

/** A JSON key spelled into SQL: only names the format could have, never arbitrary text. */
function checkedKey(key: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
    throw new LoaderError(
      'CONFIG_INVALID',
      `JSON key ${JSON.stringify(key)}: not a name the validation pass can spell`,
    );
  }
  return key;
}

const DOUBLE_MAX = '1.7976931348623157e308';

const postgres: DocumentDialect = {
  recordType: 'jsonb_typeof(doc)',
  typeOf: (key) => `jsonb_typeof(doc -> ${sqlLiteral(checkedKey(key))})`,
  text: (key) => `(doc ->> ${sqlLiteral(checkedKey(key))})`,
  number: (key) => `CAST(doc ->> ${sqlLiteral(checkedKey(key))} AS DOUBLE PRECISION)`,
  // NUMERIC holds any JSON number exactly, so the range test cannot overflow.
  infinite: (key) => `ABS(CAST(doc ->> ${sqlLiteral(checkedKey(key))} AS NUMERIC)) > ${DOUBLE_MAX}`,
  serialized: 'CAST(doc AS VARCHAR)',
  cast: (key, sqlType, kind) =>
    kind === 'integer' || kind === 'bigint'
      ? // A JSON integer may be written 7.0 (ajv accepts it): through NUMERIC, as the JSON Schema sees it.
        `CAST(CAST(doc ->> ${sqlLiteral(checkedKey(key))} AS NUMERIC) AS ${sqlType})`
      : `CAST(doc ->> ${sqlLiteral(checkedKey(key))} AS ${sqlType})`,
};

/*
 * Redshift: SUPER navigation `doc."userId"` keeps the key's case only with enable_case_sensitive_identifier on
 * (https://docs.aws.amazon.com/redshift/latest/dg/r_enable_case_sensitive_super_attribute.html), which the
 * stager sets for its session; a missing key navigates to NULL, so JSON_TYPEOF is NULL exactly when the key is
 * missing, as jsonb_typeof is on PostgreSQL. Text is cast to VARCHAR(65535) (a bare VARCHAR is 256 bytes).
 */
const nav = (key: string) => `doc."${checkedKey(key)}"`;
const redshift: DocumentDialect = {
  recordType: 'JSON_TYPEOF(doc)',
  typeOf: (key) => `JSON_TYPEOF(${nav(key)})`,
  text: (key) => `CAST(${nav(key)} AS VARCHAR(65535))`,
  number: (key) => `CAST(${nav(key)} AS DOUBLE PRECISION)`,
  infinite: (key) => `ABS(CAST(${nav(key)} AS DOUBLE PRECISION)) > ${DOUBLE_MAX}`,
  // JSON_SERIALIZE returns at most 64 KB: larger records keep no raw text (the ledger cuts raw text anyway).
  serialized: 'CASE WHEN JSON_SIZE(doc) <= 65535 THEN JSON_SERIALIZE(doc) END',
  cast: (key, sqlType) => `CAST(${nav(key)} AS ${sqlType})`,
};

const documentDialects: Record<Dialect, DocumentDialect> = { postgres, redshift };

/** Exact string equality on both engines: Redshift ignores trailing spaces when comparing VARCHARs. */
const exactly = (text: string, values: readonly string[]) =>
  `${text} || '|' IN (${values.map((value) => sqlLiteral(`${value}|`)).join(', ')})`;

/**
 * `test`, read only where `guard` holds: neither engine promises to evaluate AND from left to right, and a cast
 * of the wrong type of value would abort the whole pass; CASE evaluates in order.
 */
const only = (guard: string, test: string) => `CASE WHEN ${guard} THEN ${test} ELSE FALSE END`;

const isString = (d: DocumentDialect, key: string) => `${d.typeOf(key)} = 'string'`;
const isFiniteNumber = (d: DocumentDialect, key: string) =>
  only(`${d.typeOf(key)} = 'number'`, `NOT ${d.infinite(key)}`);

function typeTest(d: DocumentDialect, key: string, types: readonly JsonType[]): string {
  const accepted = types.map((type) => {
    if (type === 'integer') {
      // ajv's integer is a finite number with no fraction once parsed as a double (7.0 is one).
      return only(isFiniteNumber(d, key), `${d.number(key)} = FLOOR(${d.number(key)})`);
    }
    if (type === 'number') return isFiniteNumber(d, key);
    return `${d.typeOf(key)} = ${sqlLiteral(type)}`;
  });
  return only(`${d.typeOf(key)} IS NOT NULL`, `NOT (${accepted.map((test) => `(${test})`).join(' OR ')})`);
}

/** The SQL that is true when a document breaks `violation`. */
function violationSql(d: DocumentDialect, violation: Violation): string {
  switch (violation.kind) {
    case 'not-object':
      return `${d.recordType} <> 'object'`;
    case 'missing':
      return `${d.typeOf(violation.key)} IS NULL`;
    case 'type':
      return typeTest(d, violation.key, violation.types);
    case 'enum':
      return only(isString(d, violation.key), `NOT (${exactly(d.text(violation.key), violation.values)})`);
    case 'minimum':
      return only(isFiniteNumber(d, violation.key), `${d.number(violation.key)} < ${violation.limit}`);
    case 'maximum':
      return only(isFiniteNumber(d, violation.key), `${d.number(violation.key)} > ${violation.limit}`);
    case 'min-length':
      // Below one character is empty: zero bytes, whatever the engine thinks of trailing spaces.
      return violation.min === 1
        ? only(isString(d, violation.key), `OCTET_LENGTH(${d.text(violation.key)}) = 0`)
        : only(isString(d, violation.key), `CHAR_LENGTH(${d.text(violation.key)}) < ${violation.min}`);
    case 'pattern':
      return only(
        isString(d, violation.key),
        `NOT (${d.text(violation.key)} ~ ${sqlLiteral(violation.pattern)})`,
      );
    case 'max-bytes':
      // A string that does not even cast to VARCHAR(65535) (Redshift's large-string opt-in lets SUPER hold
      // longer ones; the cast then gives NULL) is over every column's limit.
      return only(
        isString(d, violation.key),
        `COALESCE(OCTET_LENGTH(${d.text(violation.key)}) > ${violation.max}, TRUE)`,
      );
  }
}

const conditionSql = (d: DocumentDialect, when: RuleCondition) =>
  only(isString(d, when.key), exactly(d.text(when.key), [when.equals]));

/** The number (1-based) of the first rule a document breaks, NULL when it breaks none. */
export function firstBrokenRuleSql(dialect: Dialect, rules: readonly RecordRule[]): string {
  const d = documentDialects[dialect];
  const arms = rules.map((rule, index) => {
    const test = violationSql(d, rule.violation);
    const guarded = rule.when ? only(conditionSql(d, rule.when), test) : test;
    return `    WHEN ${guarded} THEN ${index + 1}`;
  });
  return `CASE\n${arms.join('\n')}\n  END`;
}

/** The statements of one dataset's validation pass over its documents table. */
export interface ValidationStatements {
  /** Rejected documents per object: object_id, rejected. */
  countRejects: string;
  /** The first `keep` rejected documents: object_id, rule, raw_record. */
  sampleRejects: string;
  /** Moves every document that breaks no rule into the typed staging table. */
  shred: string;
}

/** The validation pass of one dataset, for one dialect: the same rules, the same order, one text per engine. */
export function validationStatements(
  dialect: Dialect,
  dataset: Dataset,
  rules: readonly RecordRule[],
  keep: number,
): ValidationStatements {
  const d = documentDialects[dialect];
  const docs = stagingDocuments[dataset].docs;
  const rule = firstBrokenRuleSql(dialect, rules);
  const judged = `SELECT object_id, doc, ${rule} AS rule\n  FROM ${docs}`;
  const columns = stagingTable[dataset].columns.filter((column) => column.jsonKey !== undefined);
  const sqlType = (kind: string, bytes?: number) =>
    ({
      varchar: `VARCHAR(${bytes ?? 0})`,
      integer: 'INTEGER',
      bigint: 'BIGINT',
      double: 'DOUBLE PRECISION',
    })[kind] ?? kind.toUpperCase();
  const shredded = columns.map((column) => {
    const bytes = column.type.kind === 'varchar' ? column.type.bytes : undefined;
    return `  ${d.cast(column.jsonKey!, sqlType(column.type.kind, bytes), column.type.kind)}`;
  });
  if (!Number.isSafeInteger(keep) || keep < 0) {
    throw new LoaderError('CONFIG_INVALID', `rejects kept: expected a whole number, got ${keep}`);
  }
  return {
    countRejects: `SELECT object_id, COUNT(*) AS rejected\nFROM (\n  ${judged}\n) judged\nWHERE rule IS NOT NULL\nGROUP BY object_id`,
    sampleRejects:
      `SELECT object_id, rule, ${d.serialized} AS raw_record\n` +
      `FROM (\n  ${judged}\n) judged\nWHERE rule IS NOT NULL\nORDER BY object_id, rule\nLIMIT ${keep}`,
    shred:
      `INSERT INTO ${stagingTable[dataset].name} (${columns.map((column) => column.name).join(', ')}, object_id)\n` +
      `SELECT\n${shredded.join(',\n')},\n  object_id\nFROM ${docs}\nWHERE (${rule}) IS NULL`,
  };
}
