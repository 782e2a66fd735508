import path from 'node:path';
import type { Question, QuestionOptions } from '@sparkify/analytics';
import { analyticsModule } from '../analytics-module.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { CliError } from '../errors.js';

/** The options `sparkify analytics` and `sparkify report` share. */
export interface QuestionCommandOptions extends GlobalOptions {
  since?: string;
  until?: string;
  limit?: string;
  questions?: string;
}

/** The built-in questions plus a user's `--questions` folder (resolved against the working directory). */
export async function questionsFor(
  context: CliContext,
  options: QuestionCommandOptions,
): Promise<Question[]> {
  const { loadQuestions } = await analyticsModule();
  return loadQuestions(options.questions ? path.resolve(context.cwd, options.questions) : undefined);
}

/** --since/--until/--limit as the library takes them; the library checks their values. */
export function questionOptions(options: QuestionCommandOptions): QuestionOptions {
  let limit: number | undefined;
  if (options.limit !== undefined) {
    limit = /^\d+$/.test(options.limit) ? Number(options.limit) : Number.NaN;
    if (Number.isNaN(limit)) throw new CliError(`--limit: expected a whole number, got "${options.limit}"`);
  }
  return {
    ...(options.since === undefined ? {} : { since: options.since }),
    ...(options.until === undefined ? {} : { until: options.until }),
    ...(limit === undefined ? {} : { limit }),
  };
}

export const questionFilesHelp = `
Your own questions: put one SELECT per .sql file in a folder and pass --questions <folder>. The file name is the
question's name; optional first lines describe it. Named parameters:
  :since   timestamp, the first moment of --since (default 1900-01-01 00:00:00), bound as a parameter
  :until   timestamp, the first moment AFTER --until, so --until includes its whole day (default 9999-12-31),
           bound as a parameter
  :limit   the --limit number (default 10), written in as a checked whole number (Redshift's LIMIT wants one)
Write CAST(:since AS TIMESTAMP) rather than :since::timestamp, and keep to SQL both PostgreSQL and Redshift run
(no ON CONFLICT, FILTER, window frames, ::json…) if the question must run on both. Example plays-by-agent.sql:
  -- title: Plays by user agent
  -- answers: which browsers people listen in
  SELECT user_agent, COUNT(*) AS plays FROM songplays
  WHERE start_time >= CAST(:since AS TIMESTAMP) AND start_time < CAST(:until AS TIMESTAMP)
  GROUP BY user_agent ORDER BY plays DESC LIMIT :limit
A file named like a built-in question replaces it.`;
