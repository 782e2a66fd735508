import type { Column } from '@sparkify/schema';
import { type Dataset, stagingTable } from '../dataset.js';
import { LoaderError } from '../errors.js';
import type { RecordRules } from '../records/ambiguous-json.js';
import {
  explainFailure,
  type FieldProblem,
  NEXTSONG_NEEDS,
  schemaDocuments,
} from '../records/validate-record.js';

/** The JSON types a value can have, as JSON Schema names them. */
export type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

/**
 * What makes a record break one rule, as data: the warehouse's validation pass renders each as SQL (see
 * validation-sql.ts). Every test holds on its own (a range test also asks that the value be a number), so a
 * rule never depends on an earlier one having passed.
 */
export type Violation =
  | { kind: 'not-object' }
  | { kind: 'missing'; key: string }
  | { kind: 'type'; key: string; types: readonly JsonType[] }
  | { kind: 'enum'; key: string; values: readonly string[] }
  | { kind: 'minimum' | 'maximum'; key: string; limit: number }
  | { kind: 'min-length'; key: string; min: number }
  | { kind: 'pattern'; key: string; pattern: string }
  | { kind: 'max-bytes'; key: string; max: number };

/** A condition a rule applies under: a key holding exactly this string (the schema's `if` with `const`). */
export interface RuleCondition {
  key: string;
  equals: string;
}

/** One rule of a dataset's records, in the order a record is judged: the first one broken is the one named. */
export interface RecordRule {
  violation: Violation;
  /** The rule applies only to records that meet this. */
  when?: RuleCondition;
  /** The field and reason a record that breaks it is rejected with. */
  problem: FieldProblem;
}

interface PropertySchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  description?: string;
}

interface ObjectSchema {
  type?: string;
  required?: string[];
  properties?: Record<string, PropertySchema>;
  if?: ObjectSchema;
  then?: ObjectSchema;
}

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description']);
const PROPERTY_KEYWORDS = new Set([
  'type',
  'enum',
  'minimum',
  'maximum',
  'minLength',
  'pattern',
  'description',
]);
const OBJECT_KEYWORDS = new Set(['type', 'required', 'properties', 'if', 'then', ...ANNOTATIONS]);

/** A keyword this compiler does not turn into SQL: a schema change that needs it must teach it here first. */
function refuseUnknown(keywords: Iterable<string>, known: ReadonlySet<string>, where: string): void {
  for (const keyword of keywords) {
    if (!known.has(keyword)) {
      throw new LoaderError(
        'CONFIG_INVALID',
        `the JSON Schema uses "${keyword}" at ${where}, which the warehouse's validation pass does not know: ` +
          'teach record-rules.ts the keyword, so that both targets keep applying the same rules',
      );
    }
  }
}

const typesOf = (schema: PropertySchema): JsonType[] =>
  (Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []) as JsonType[];

/**
 * A property's rules in the order ajv checks them (ajv 8: the type first, then the keywords that take any type
 * such as `enum`, then the number keywords `maximum` before `minimum`, then the string keywords `minLength`
 * before `pattern`), so that the first broken rule is the one ajv names.
 */
function propertyRules(key: string, schema: PropertySchema, when?: RuleCondition): RecordRule[] {
  refuseUnknown(Object.keys(schema), PROPERTY_KEYWORDS, `/${key}`);
  const instancePath = `/${key}`;
  const rule = (violation: Violation, keyword: string, params: Record<string, unknown>): RecordRule => {
    const problem = explainFailure({ keyword, instancePath, params });
    if (when) problem.reason += NEXTSONG_NEEDS;
    return { violation, ...(when ? { when } : {}), problem };
  };
  const rules: RecordRule[] = [];
  const types = typesOf(schema);
  if (types.length > 0) rules.push(rule({ kind: 'type', key, types }, 'type', { type: types.join(',') }));
  if (schema.enum) {
    if (!schema.enum.every((value) => typeof value === 'string')) {
      throw new LoaderError('CONFIG_INVALID', `the JSON Schema's enum at /${key} must list strings`);
    }
    const values = schema.enum;
    rules.push(rule({ kind: 'enum', key, values }, 'enum', { allowedValues: values }));
  }
  if (schema.maximum !== undefined) {
    rules.push(
      rule({ kind: 'maximum', key, limit: schema.maximum }, 'maximum', {
        comparison: '<=',
        limit: schema.maximum,
      }),
    );
  }
  if (schema.minimum !== undefined) {
    rules.push(
      rule({ kind: 'minimum', key, limit: schema.minimum }, 'minimum', {
        comparison: '>=',
        limit: schema.minimum,
      }),
    );
  }
  if (schema.minLength !== undefined) {
    rules.push(rule({ kind: 'min-length', key, min: schema.minLength }, 'minLength', {}));
  }
  if (schema.pattern !== undefined) {
    rules.push(
      rule({ kind: 'pattern', key, pattern: schema.pattern }, 'pattern', { pattern: schema.pattern }),
    );
  }
  return rules;
}

/** The schema's `if`, in the one shape it takes: a required key holding one string (`const`). */
function conditionOf(schema: ObjectSchema): RuleCondition {
  const entries = Object.entries(schema.properties ?? {});
  const only = entries[0];
  if (
    entries.length !== 1 ||
    !only ||
    typeof only[1].const !== 'string' ||
    Object.keys(only[1]).length !== 1 ||
    JSON.stringify(schema.required) !== JSON.stringify([only[0]])
  ) {
    throw new LoaderError(
      'CONFIG_INVALID',
      'the JSON Schema\'s "if" must be one required key with a string "const": the validation pass knows no other',
    );
  }
  return { key: only[0], equals: only[1].const };
}

/**
 * Turns a dataset's JSON Schema into rules, in ajv's order for an object schema: the record must be an object;
 * then the `if`/`then` branch (ajv 8 checks keywords that take any type before the object keywords); then
 * `required` in its order; then each property in the order `properties` lists them.
 */
export function schemaRules(schema: ObjectSchema): RecordRule[] {
  refuseUnknown(Object.keys(schema), OBJECT_KEYWORDS, 'the root');
  if (schema.type !== 'object') {
    throw new LoaderError('CONFIG_INVALID', 'the JSON Schema must describe an object');
  }
  const rules: RecordRule[] = [
    {
      violation: { kind: 'not-object' },
      problem: explainFailure({ keyword: 'type', instancePath: '', params: {} }),
    },
  ];
  if (schema.if || schema.then) {
    if (!schema.if || !schema.then) {
      throw new LoaderError(
        'CONFIG_INVALID',
        'the JSON Schema has an "if" without a "then" (or the reverse)',
      );
    }
    const when = conditionOf(schema.if);
    refuseUnknown(Object.keys(schema.then), new Set(['properties']), '/then');
    for (const [key, property] of Object.entries(schema.then.properties ?? {})) {
      rules.push(...propertyRules(key, property, when));
    }
  }
  for (const key of schema.required ?? []) {
    rules.push({
      violation: { kind: 'missing', key },
      problem: explainFailure({ keyword: 'required', instancePath: '', params: { missingProperty: key } }),
    });
  }
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    rules.push(...propertyRules(key, property));
  }
  return rules;
}

/**
 * The rules the loader adds to the schema's, in the order encodeRecord applies them: an event time that looks
 * like seconds, then each text column's limit in UTF-8 bytes (Redshift's VARCHAR(n) holds n bytes).
 */
function loaderRules(dataset: Dataset, rules: RecordRules): RecordRule[] {
  const extra: RecordRule[] = [];
  if (dataset === 'events') {
    const bound = new Date(rules.minEventTimeMs).toISOString();
    extra.push({
      violation: { kind: 'minimum', key: 'ts', limit: rules.minEventTimeMs },
      problem: {
        field: '/ts',
        reason:
          `is before ${bound}: ts is epoch milliseconds, and this looks like seconds; ` +
          'if such early events are real, lower the bound (--min-event-time)',
      },
    });
  }
  for (const column of stagingTable[dataset].columns) {
    if (column.jsonKey === undefined || column.type.kind !== 'varchar') continue;
    const { jsonKey, type } = column as Column & {
      jsonKey: string;
      type: { kind: 'varchar'; bytes: number };
    };
    extra.push({
      violation: { kind: 'max-bytes', key: jsonKey, max: type.bytes },
      problem: {
        field: `/${jsonKey}`,
        reason: `is over ${type.bytes} bytes; the column holds ${type.bytes} bytes`,
      },
    });
  }
  return extra;
}

function schemaOf(dataset: Dataset): ObjectSchema {
  return schemaDocuments[dataset];
}

/** Every rule a dataset's records are judged by, generated from its JSON Schema file and the catalog. */
export function recordRules(dataset: Dataset, rules: RecordRules): RecordRule[] {
  return [...schemaRules(schemaOf(dataset)), ...loaderRules(dataset, rules)];
}
