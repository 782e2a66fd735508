import type { Knex } from 'knex';
import { AnalyticsError } from './errors.js';
import type { Question } from './question.js';
import { resolveParameters, type QuestionOptions, type QuestionParameters } from './question-parameters.js';

/** A cell of an answer: numbers as numbers, dates as `yyyy-mm-dd`, timestamps as `yyyy-mm-dd hh:mm:ss` (UTC). */
export type Value = string | number | boolean | null;
export type Row = Record<string, Value>;

/** The share of plays that matched a catalogue song, over the same period as the answer beside it. */
export interface MatchRate {
  plays: number;
  matchedPlays: number;
  /** matchedPlays / plays, or null without plays. */
  rate: number | null;
}

/** The same question answered from catalogue-matched plays only. */
export interface CatalogueAnswer {
  name: string;
  title: string;
  columns: string[];
  rows: Row[];
  /** The catalogue names the same songs (or artists) with the same plays, in the same order. */
  sameAsPlayed: boolean;
}

/** One question's answer. */
export interface Answer {
  name: string;
  title: string;
  answers: string;
  source: string;
  columns: string[];
  rows: Row[];
  matchRate?: MatchRate;
  catalogue?: CatalogueAnswer;
}

/** What `sparkify analytics --format json` prints and the report is drawn from. */
export interface AnalyticsResult {
  /** The options as given (null: not given) and the values bound. */
  parameters: { since: string | null; until: string | null; limit: number; bound: QuestionParameters };
  answers: Answer[];
}

// PostgreSQL type OIDs (Redshift speaks the same protocol): int8, int2, int4, numeric, float4, float8; date.
const numericTypes = new Set([20, 21, 23, 1700, 700, 701]);
const dateType = 1082;

const pad = (value: number) => String(value).padStart(2, '0');

function normalise(value: unknown, typeId: number): Value {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) {
    // node-postgres builds dates and zone-less timestamps in the process's local time zone; reading them back
    // with the local getters recovers exactly the stored wall-clock value.
    const day = `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
    if (typeId === dateType) return day;
    if (typeId === 1184) return value.toISOString().replace('T', ' ').slice(0, 19);
    return `${day} ${pad(value.getHours())}:${pad(value.getMinutes())}:${pad(value.getSeconds())}`;
  }
  if (numericTypes.has(typeId) && typeof value === 'string') return Number(value);
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return String(value);
}

interface RawResult {
  rows: Record<string, unknown>[];
  fields?: { name: string; dataTypeID: number }[];
}

/** The dates a question's SQL may use; knex binds each `:since` / `:until` as a parameter. */
function bindingsOf(parameters: QuestionParameters): Record<string, string> {
  return { since: parameters.since, until: parameters.until };
}

/**
 * The SQL as sent: `:limit` becomes the checked whole number (resolveParameters allows 1 to 100,000 only),
 * because Redshift's LIMIT takes a constant, not a bound parameter.
 */
export function sqlToSend(question: Question, parameters: QuestionParameters): string {
  if (!Number.isSafeInteger(parameters.limit) || parameters.limit < 1) {
    throw new AnalyticsError(
      'PARAMETER_INVALID',
      `--limit: expected a whole number, got ${parameters.limit}`,
    );
  }
  return question.sql.replace(/(?<![:\w]):limit\b/g, String(parameters.limit));
}

/** A database error (SQLSTATE outside class 08, connection exceptions) is the question's fault, not the link's. */
function isQueryError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08');
}

/** Runs one question with its parameters bound and returns its columns and rows (values normalised). */
export async function askQuestion(
  knex: Knex,
  question: Question,
  parameters: QuestionParameters,
): Promise<{ columns: string[]; rows: Row[] }> {
  let result: RawResult;
  try {
    result = await knex.raw<RawResult>(sqlToSend(question, parameters), bindingsOf(parameters));
  } catch (error) {
    if (!isQueryError(error)) throw error;
    throw new AnalyticsError(
      'QUESTION_FAILED',
      `question ${question.name} (${question.source}) failed: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const fields = result.fields ?? [];
  const columns = fields.length > 0 ? fields.map((field) => field.name) : Object.keys(result.rows[0] ?? {});
  const types = new Map(fields.map((field) => [field.name, field.dataTypeID]));
  const rows = result.rows.map((raw) => {
    const row: Row = {};
    for (const column of columns) row[column] = normalise(raw[column], types.get(column) ?? 0);
    return row;
  });
  return { columns, rows };
}

/** The columns that name a song or an artist, compared to tell whether two answers agree. */
const labelColumns = ['title', 'artist'];

function sameAnswer(asPlayed: Row[], catalogue: Row[]): boolean {
  if (asPlayed.length !== catalogue.length) return false;
  return asPlayed.every((row, index) => {
    const other = catalogue[index] as Row;
    return (
      row['plays'] === other['plays'] &&
      labelColumns.every((column) => !(column in row) || row[column] === other[column])
    );
  });
}

function pickQuestion(questions: Question[], name: string): Question {
  const question = questions.find((candidate) => candidate.name === name);
  if (!question) {
    throw new AnalyticsError(
      'QUESTION_UNKNOWN',
      `no question named "${name}"; known: ${questions.map((known) => known.name).join(', ')} (sparkify analytics --list)`,
    );
  }
  return question;
}

/**
 * The questions `names` asks for, or by default every question except those that serve as another's
 * catalogue answer (they are shown beside it). Unknown names throw QUESTION_UNKNOWN listing the known ones.
 */
export function selectQuestions(questions: Question[], names: string[] = []): Question[] {
  if (names.length > 0) return names.map((name) => pickQuestion(questions, name));
  const companions = new Set(questions.flatMap((question) => question.catalogueAnswer ?? []));
  return questions.filter((question) => !companions.has(question.name));
}

/**
 * Answers the selected questions (see selectQuestions) over the warehouse, with the catalogue match rate beside
 * every answer that asks for it and, beside an as-played answer, the same question from catalogue-matched plays.
 */
export async function runQuestions(
  knex: Knex,
  questions: Question[],
  options: QuestionOptions & { names?: string[] } = {},
): Promise<AnalyticsResult> {
  const parameters = resolveParameters(options);
  const selected = selectQuestions(questions, options.names);
  let matchRate: MatchRate | undefined;
  const answers: Answer[] = [];
  for (const question of selected) {
    const { columns, rows } = await askQuestion(knex, question, parameters);
    const answer: Answer = {
      name: question.name,
      title: question.title,
      answers: question.answers,
      source: question.source,
      columns,
      rows,
    };
    if (question.matchRate) {
      if (!matchRate) {
        const rateRow = (await askQuestion(knex, pickQuestion(questions, 'match-rate'), parameters)).rows[0];
        matchRate = {
          plays: Number(rateRow?.['plays'] ?? 0),
          matchedPlays: Number(rateRow?.['matched_plays'] ?? 0),
          rate: rateRow?.['match_rate'] === null ? null : Number(rateRow?.['match_rate']),
        };
      }
      answer.matchRate = matchRate;
    }
    if (question.catalogueAnswer) {
      const companion = pickQuestion(questions, question.catalogueAnswer);
      const catalogue = await askQuestion(knex, companion, parameters);
      answer.catalogue = {
        name: companion.name,
        title: companion.title,
        ...catalogue,
        sameAsPlayed: sameAnswer(rows, catalogue.rows),
      };
    }
    answers.push(answer);
  }
  return {
    parameters: {
      since: options.since ?? null,
      until: options.until ?? null,
      limit: parameters.limit,
      bound: parameters,
    },
    answers,
  };
}

/** Every question a run of `names` sends, companions included, in order: what `--dry-run` prints. */
export function plannedQuestions(questions: Question[], names: string[] = []): Question[] {
  const planned: Question[] = [];
  const add = (question: Question) => {
    if (!planned.includes(question)) planned.push(question);
  };
  for (const question of selectQuestions(questions, names)) {
    add(question);
    if (question.catalogueAnswer) add(pickQuestion(questions, question.catalogueAnswer));
    if (question.matchRate) add(pickQuestion(questions, 'match-rate'));
  }
  return planned;
}
