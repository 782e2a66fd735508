import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Dataset } from '../dataset.js';
import {
  eventsValidator,
  schemaDocuments as compiledDocuments,
  songsValidator,
} from './compiled-schemas.generated.js';

/** Where the JSON Schemas live: shipped as files so that they document the contract. */
export const schemaFiles: Record<Dataset, URL> = {
  events: new URL('../../schemas/log-event.schema.json', import.meta.url),
  songs: new URL('../../schemas/song.schema.json', import.meta.url),
};

/**
 * The JSON Schemas as data: the files above, compiled into the package by `scripts/compile-schemas.mjs` with
 * their validators, so that no process or worker thread reads or compiles them at run time.
 */
export const schemaDocuments: Readonly<Record<Dataset, Readonly<Record<string, unknown>>>> =
  compiledDocuments;

/** One thing wrong with a record: the field as a JSON pointer (null for the whole record) and why. */
export interface FieldProblem {
  field: string | null;
  reason: string;
}

/** ajv's standalone validators, compiled with the options `scripts/compile-schemas.mjs` gives ajv. */
const validators: Record<Dataset, ValidateFunction> = {
  events: eventsValidator as ValidateFunction,
  songs: songsValidator as ValidateFunction,
};

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

function valueAt(record: unknown, pointer: string): unknown {
  let current = record;
  for (const part of pointer.split('/').slice(1)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return current;
}

/** One way a record breaks its JSON Schema, as ajv reports it (or as the warehouse's validation pass names it). */
export interface SchemaFailure {
  keyword: string;
  /** The JSON pointer of the value that failed ('' for the record itself). */
  instancePath: string;
  params: Record<string, unknown>;
}

/** Why a NextSong event's failure of the schema's `then` branch matters, appended to its reason. */
export const NEXTSONG_NEEDS = ' (a NextSong event must carry song, artist, length and userId)';

/**
 * The words for one failure: the same whether ajv found it in this process or the warehouse's validation pass
 * found it in SQL. `actual` describes the value found (the warehouse pass names the rule without the value).
 */
export function explainFailure(failure: SchemaFailure, actual?: string): FieldProblem {
  const { keyword, instancePath, params } = failure;
  const field = instancePath || null;
  const got = actual === undefined ? '' : `, got ${actual}`;
  switch (keyword) {
    case 'required':
      return {
        field: `${instancePath}/${String(params.missingProperty)}`,
        reason: 'is missing (every key of the format is required)',
      };
    case 'type':
      if (!field) return { field: null, reason: `expected a JSON object${got}` };
      return { field, reason: `expected ${String(params.type).replace(',', ' or ')}${got}` };
    case 'pattern':
      return field === '/userId'
        ? { field, reason: `expected digits as a string, or "" for a logged-out event${got}` }
        : { field, reason: `expected text matching ${String(params.pattern)}${got}` };
    case 'minimum':
    case 'maximum':
      return { field, reason: `expected a value ${String(params.comparison)} ${String(params.limit)}${got}` };
    case 'minLength':
      return { field, reason: `expected a non-empty string${got}` };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ');
      return { field, reason: `expected one of ${allowed} (values are case-sensitive)${got}` };
    }
    default:
      return { field, reason: `is invalid (${keyword})${got}` };
  }
}

function explain(error: ErrorObject, record: unknown): FieldProblem {
  if (!['required', 'type', 'pattern', 'minimum', 'maximum', 'minLength', 'enum'].includes(error.keyword)) {
    return {
      field: error.instancePath || null,
      reason: `${error.message ?? 'is invalid'}, got ${describeValue(valueAt(record, error.instancePath))}`,
    };
  }
  return explainFailure(error, describeValue(valueAt(record, error.instancePath)));
}

/** Validates a parsed record against its dataset's JSON Schema; null when it is valid. */
export function validateRecord(dataset: Dataset, record: unknown): FieldProblem | null {
  const validate = validators[dataset];
  if (validate(record)) return null;
  const errors = (validate.errors ?? []).filter((error) => error.keyword !== 'if');
  const first = errors[0];
  if (!first) return { field: null, reason: 'does not match the schema' };
  const problem = explain(first, record);
  // A NextSong event that lacks what a songplay needs deserves to say so.
  if (dataset === 'events' && first.schemaPath.startsWith('#/then')) {
    problem.reason += NEXTSONG_NEEDS;
  }
  return problem;
}
