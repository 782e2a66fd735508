import { AnalyticsError } from './errors.js';

/** One of the analytics team's questions: a named, documented, portable SQL query. */
export interface Question {
  /** kebab-case, from the file name: `most-played-songs`. */
  name: string;
  /** A short heading: "Most played songs, as played". */
  title: string;
  /** One line of what it answers (shown by `--list`). */
  answers: string;
  /** The SQL, with the named parameters `:since`, `:until` and `:limit` (all optional). */
  sql: string;
  /** Where the question came from: `built-in` or the path of a user's file. */
  source: string;
  /** Show the catalogue match rate of the same period beside the answer. */
  matchRate: boolean;
  /** The question that answers the same from catalogue-matched plays only; shown beside when it differs. */
  catalogueAnswer?: string;
}

const namePattern = /^[a-z0-9][a-z0-9-]*$/;
const headerLine = /^--\s*([a-z-]+):\s*(.*?)\s*$/;
const knownKeys = new Set(['title', 'answers', 'match-rate', 'catalogue-answer']);

/**
 * Reads a question from the text of its `.sql` file. Leading `-- key: value` comment lines describe it
 * (`title`, `answers`, `match-rate: shown`, `catalogue-answer: <name>`); without them the title is the name
 * and the first comment line says what it answers. Example:
 *
 *   -- title: Plays by user agent
 *   -- answers: which browsers people listen in
 *   SELECT user_agent, COUNT(*) AS plays FROM songplays GROUP BY user_agent ORDER BY plays DESC LIMIT :limit
 */
export function parseQuestion(name: string, text: string, source: string): Question {
  if (!namePattern.test(name)) {
    throw new AnalyticsError(
      'QUESTION_FILE_INVALID',
      `${source}: a question's file name must be lower-case letters, digits and dashes (like plays-by-agent.sql), got "${name}"`,
    );
  }
  const header: Record<string, string> = {};
  const comments: string[] = [];
  const lines = text.split(/\r?\n/);
  let index = 0;
  for (; index < lines.length; index += 1) {
    const line = (lines[index] as string).trim();
    if (line === '') continue;
    if (!line.startsWith('--')) break;
    const match = headerLine.exec(line);
    if (match && knownKeys.has(match[1] as string)) header[match[1] as string] = match[2] as string;
    else if (line.replace(/^--\s*/, '') !== '') comments.push(line.replace(/^--\s*/, ''));
  }
  const sql = lines.slice(index).join('\n').trim().replace(/;\s*$/, '');
  if (sql === '') {
    throw new AnalyticsError('QUESTION_FILE_INVALID', `${source}: holds no SQL after its comment lines`);
  }
  if (/;\s*\S/.test(sql.replace(/'(?:[^']|'')*'/g, "''").replace(/--.*$/gm, ''))) {
    throw new AnalyticsError(
      'QUESTION_FILE_INVALID',
      `${source}: holds more than one statement; a question is one SELECT`,
    );
  }
  const matchRate = header['match-rate'];
  if (matchRate !== undefined && matchRate !== 'shown' && matchRate !== 'hidden') {
    throw new AnalyticsError(
      'QUESTION_FILE_INVALID',
      `${source}: "-- match-rate:" takes shown or hidden, got "${matchRate}"`,
    );
  }
  const catalogueAnswer = header['catalogue-answer'];
  return {
    name,
    title: header['title'] || name,
    answers: header['answers'] || comments[0] || '(no description: add a "-- answers: …" line)',
    sql,
    source,
    matchRate: matchRate === 'shown',
    ...(catalogueAnswer ? { catalogueAnswer } : {}),
  };
}
