import type { Question } from './question.js';
import type { QuestionParameters } from './question-parameters.js';
import {
  sqlToSend,
  type AnalyticsResult,
  type Answer,
  type MatchRate,
  type Row,
  type Value,
} from './run-questions.js';

/** Columns holding a share from 0 to 1, printed as a percentage in tables. */
const shareColumn = /(^|_)(share|rate)(_|$)/;

function cellText(column: string, value: Value): string {
  if (value === null) return '';
  if (typeof value === 'number') {
    if (shareColumn.test(column)) return `${(value * 100).toFixed(2)} %`;
    return Number.isInteger(value) ? String(value) : value.toFixed(2);
  }
  return String(value);
}

// Control characters (a hostile title's escape sequences) must not reach a terminal.
// eslint-disable-next-line no-control-regex
const controls = /[\u0000-\u001f\u007f]/g;

function textTable(columns: string[], rows: Row[], empty = '(no rows)'): string {
  if (rows.length === 0) return empty;
  const cells = rows.map((row) =>
    columns.map((column) => cellText(column, row[column] ?? null).replace(controls, '\uFFFD')),
  );
  const numeric = columns.map((column) => rows.every((row) => typeof row[column] !== 'string'));
  const widths = columns.map((column, index) =>
    Math.max(column.length, ...cells.map((line) => (line[index] as string).length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, index) =>
        numeric[index] ? value.padStart(widths[index] ?? 0) : value.padEnd(widths[index] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(columns), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n');
}

/** "1 of 6,820 plays (0.01 %) matched a catalogue song". */
export function describeMatchRate(matchRate: MatchRate): string {
  const share = matchRate.rate === null ? 'no plays' : `${(matchRate.rate * 100).toFixed(2)} %`;
  return `${matchRate.matchedPlays.toLocaleString('en-US')} of ${matchRate.plays.toLocaleString('en-US')} plays (${share}) matched a catalogue song`;
}

function answerText(answer: Answer): string {
  const parts = [`${answer.title}  [${answer.name}]`];
  if (answer.catalogue) parts[0] += '\n(as played: the title and artist the app logged)';
  parts.push(textTable(answer.columns, answer.rows));
  if (answer.matchRate) parts.push(`catalogue match rate: ${describeMatchRate(answer.matchRate)}`);
  if (answer.catalogue) {
    parts.push(
      '\n' +
        (answer.catalogue.sameAsPlayed
          ? `${answer.catalogue.title} [${answer.catalogue.name}]: the same answer`
          : `${answer.catalogue.title}  [${answer.catalogue.name}]\n(matched to the catalogue: only plays whose title, artist and duration match a catalogue song; differs from the answer as played)\n${textTable(answer.catalogue.columns, answer.catalogue.rows, '(no play matched a catalogue song)')}`),
    );
  }
  return parts.join('\n');
}

/** The answers as terminal tables, one block per question. */
export function formatAnswersTable(result: AnalyticsResult): string {
  return `${result.answers.map(answerText).join('\n\n')}\n`;
}

/** The answers as one JSON document (what the report is drawn from). */
export function formatAnswersJson(result: AnalyticsResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

function csvCell(value: Value): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvTable(columns: string[], rows: Row[]): string {
  return [columns.map(csvCell), ...rows.map((row) => columns.map((column) => csvCell(row[column] ?? null)))]
    .map((cells) => cells.join(','))
    .join('\r\n');
}

/**
 * The answers as CSV (RFC 4180). One question gives plain CSV; several give one CSV block each, preceded by a
 * `# name` line and separated by a blank line. Catalogue answers follow as their own block.
 */
export function formatAnswersCsv(result: AnalyticsResult): string {
  const blocks = result.answers.flatMap((answer) => [
    { name: answer.name, text: csvTable(answer.columns, answer.rows) },
    ...(answer.catalogue
      ? [{ name: answer.catalogue.name, text: csvTable(answer.catalogue.columns, answer.catalogue.rows) }]
      : []),
  ]);
  if (blocks.length === 1) return `${(blocks[0] as { text: string }).text}\r\n`;
  return `${blocks.map((block) => `# ${block.name}\r\n${block.text}`).join('\r\n\r\n')}\r\n`;
}

/** `--list`: each question's name and one line of what it answers. */
export function formatQuestionList(questions: Question[]): string {
  const width = Math.max(...questions.map((question) => question.name.length));
  return `${questions
    .map(
      (question) =>
        `${question.name.padEnd(width)}  ${question.answers}${question.source === 'built-in' ? '' : `  (${question.source})`}`,
    )
    .join('\n')}\n`;
}

const quote = (value: string | number) => (typeof value === 'number' ? String(value) : `'${value}'`);

/** `--dry-run`: the exact SQL of each question, with the values its named parameters would be bound to. */
export function formatQuestionsDryRun(questions: Question[], parameters: QuestionParameters): string {
  const bound = `-- bound parameters: :since = ${quote(parameters.since)}, :until = ${quote(parameters.until)}`;
  return `${questions
    .map(
      (question) =>
        `-- ${question.name}: ${question.title} (${question.source})\n-- ${question.answers}\n${bound}\n${sqlToSend(question, parameters)};`,
    )
    .join('\n\n')}\n`;
}
