import { describe, expect, it } from 'vitest';
import { parseQuestion } from './question.js';

describe('parseQuestion', () => {
  it('reads the header lines and keeps the SQL as written, without a final semicolon', () => {
    const question = parseQuestion(
      'plays-by-agent',
      `-- title: Plays by user agent
-- answers: which browsers people listen in
-- match-rate: shown
-- catalogue-answer: other-question
--
-- A longer note that is not a header.
SELECT user_agent, COUNT(*) AS plays
FROM songplays
GROUP BY user_agent;
`,
      '/q/plays-by-agent.sql',
    );
    expect(question).toEqual({
      name: 'plays-by-agent',
      title: 'Plays by user agent',
      answers: 'which browsers people listen in',
      sql: 'SELECT user_agent, COUNT(*) AS plays\nFROM songplays\nGROUP BY user_agent',
      source: '/q/plays-by-agent.sql',
      matchRate: true,
      catalogueAnswer: 'other-question',
    });
  });

  it('without a header: the name is the title and the first comment says what it answers', () => {
    const question = parseQuestion('quick', '-- how many plays\nSELECT COUNT(*) FROM songplays', 'q.sql');
    expect(question).toMatchObject({ title: 'quick', answers: 'how many plays', matchRate: false });
    expect(question.catalogueAnswer).toBeUndefined();
  });

  it('refuses bad names, empty files, two statements and unknown match-rate values, naming the file', () => {
    expect(() => parseQuestion('Bad Name', 'SELECT 1', 'x/Bad Name.sql')).toThrow(
      /x\/Bad Name.sql: a question's file name/,
    );
    expect(() => parseQuestion('empty', '-- only a comment\n', 'empty.sql')).toThrow(
      /empty.sql: holds no SQL/,
    );
    expect(() => parseQuestion('two', 'SELECT 1; DELETE FROM songplays', 'two.sql')).toThrow(
      /two.sql: holds more than one statement/,
    );
    expect(() => parseQuestion('semi', "SELECT ';' AS x;", 'semi.sql')).not.toThrow();
    expect(() => parseQuestion('rate', '-- match-rate: yes\nSELECT 1', 'rate.sql')).toThrow(
      /takes shown or hidden, got "yes"/,
    );
  });
});
