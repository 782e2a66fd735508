import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AnalyticsError } from './errors.js';
import { parseQuestion, type Question } from './question.js';

/** The folder of the built-in questions (the package's `questions/`, beside `src/` and `dist/`). */
export const builtInQuestionFolder = fileURLToPath(new URL('../questions/', import.meta.url));

/** The order questions are listed and reported in; files not named here follow alphabetically. */
const builtInOrder = [
  'most-played-songs',
  'most-played-songs-in-catalogue',
  'most-played-artists',
  'most-played-artists-in-catalogue',
  'match-rate',
  'peak-hour',
  'plays-by-hour',
  'plays-by-weekday',
  'plays-by-day',
  'paid-vs-free',
  'paid-vs-free-by-day',
  'most-active-users',
  'daily-active-users',
  'sessions',
  'top-locations',
  'freshness',
];

async function readFolder(folder: string, source: (file: string) => string): Promise<Question[]> {
  let entries: string[];
  try {
    entries = (await readdir(folder)).filter((file) => file.endsWith('.sql'));
  } catch (error) {
    throw new AnalyticsError(
      'QUESTION_FOLDER_UNREADABLE',
      `cannot read the questions folder ${folder}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const rank = (name: string) => {
    const at = builtInOrder.indexOf(name);
    return at === -1 ? builtInOrder.length : at;
  };
  entries.sort((a, b) => {
    const [nameA, nameB] = [a.slice(0, -4), b.slice(0, -4)];
    return rank(nameA) - rank(nameB) || (nameA < nameB ? -1 : nameA > nameB ? 1 : 0);
  });
  return Promise.all(
    entries.map(async (file) =>
      parseQuestion(file.slice(0, -4), await readFile(path.join(folder, file), 'utf8'), source(file)),
    ),
  );
}

/** The analytics team's questions that ship with the package, in their listing order. */
export function builtInQuestions(): Promise<Question[]> {
  return readFolder(builtInQuestionFolder, () => 'built-in');
}

/**
 * The built-in questions followed by every `*.sql` file of a user's folder (when given); a user's file with the
 * name of a built-in question replaces it, so a team can adapt one.
 */
export async function loadQuestions(userFolder?: string): Promise<Question[]> {
  const builtIn = await builtInQuestions();
  if (userFolder === undefined) return builtIn;
  const own = await readFolder(userFolder, (file) => path.join(userFolder, file));
  const ownNames = new Set(own.map((question) => question.name));
  return [...builtIn.filter((question) => !ownNames.has(question.name)), ...own];
}
