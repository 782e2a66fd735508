import { portableSqlViolations } from '@sparkify/testkit';
import { describe, expect, it } from 'vitest';
import {
  builtInQuestions,
  formatQuestionList,
  formatQuestionsDryRun,
  plannedQuestions,
  resolveParameters,
  sqlToSend,
} from '../src/index.js';

const questions = await builtInQuestions();

describe('the built-in questions', () => {
  it('cover what the analytics team asks', () => {
    expect(questions.map((question) => question.name)).toEqual([
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
    ]);
  });

  it.each(questions.map((question) => [question.name, question] as const))(
    '%s is documented, portable SQL (REDSHIFT.md §6) with no glued values',
    (_name, question) => {
      expect(question.title).not.toBe(question.name);
      expect(question.answers).not.toMatch(/no description/);
      expect(portableSqlViolations(question.sql)).toEqual([]);
      // Values reach the SQL only as named parameters; no positional ones, no `::` casts that knex could misread.
      expect(question.sql).not.toMatch(/\?|\$\d|::/);
      if (question.name !== 'freshness') expect(question.sql).toContain('CAST(:since AS TIMESTAMP)');
    },
  );

  it('the lint catches what it should', () => {
    expect(portableSqlViolations('SELECT NOW(), x::text FROM t WHERE a IS DISTINCT FROM b')).toEqual([
      'IS DISTINCT FROM',
      'NOW() and friends',
      'TEXT type / casts',
    ]);
    expect(portableSqlViolations('SELECT ROW_NUMBER() OVER (ORDER BY a) FROM t')).toEqual([
      'window functions and frames',
    ]);
  });

  it('every song or artist answer shows the match rate; as-played ones name their catalogue answer', () => {
    for (const question of questions.filter((candidate) => /songs|artists/.test(candidate.name))) {
      expect(question.matchRate, question.name).toBe(true);
      if (!question.name.endsWith('-in-catalogue'))
        expect(question.catalogueAnswer).toBe(`${question.name}-in-catalogue`);
    }
  });
});

describe('--dry-run and --list', () => {
  it('prints the exact SQL of every question a run sends, companions included, with the bound values', () => {
    const parameters = resolveParameters({ since: '2018-11-01', until: '2018-11-30', limit: 5 });
    const planned = plannedQuestions(questions, ['most-played-songs']);
    expect(planned.map((question) => question.name)).toEqual([
      'most-played-songs',
      'most-played-songs-in-catalogue',
      'match-rate',
    ]);
    const text = formatQuestionsDryRun(planned, parameters);
    for (const question of planned) expect(text).toContain(`${sqlToSend(question, parameters)};`);
    expect(text).toContain(
      "-- bound parameters: :since = '2018-11-01 00:00:00', :until = '2018-12-01 00:00:00'",
    );
    // Redshift's LIMIT takes a constant: the checked number is written in, the dates stay parameters.
    expect(text).toContain('LIMIT 5;\n');
    expect(text).not.toContain(':limit');
    expect(text).toContain('CAST(:since AS TIMESTAMP)');
    expect(portableSqlViolations(text)).toEqual([]);
  });

  it('lists each question with one line of what it answers', () => {
    const lines = formatQuestionList(questions).trimEnd().split('\n');
    expect(lines).toHaveLength(questions.length);
    expect(lines[0]).toMatch(/^most-played-songs +the songs users played most, by the title and artist/);
  });
});
