import knexFactory, { type Knex } from 'knex';
import { type ScriptedRedshift, startScriptedRedshift } from './scripted-redshift.js';

/**
 * Redshift's answer to the second of two concurrent writers under SNAPSHOT (and SERIALIZABLE) isolation, as its
 * troubleshooting page quotes it: "ERROR: 1023 DETAIL: Serializable isolation violation on table …".
 */
export function serializationConflict(table: string) {
  return {
    error: {
      code: 'XX000',
      message: '1023',
      detail: `Serializable isolation violation on table - 100123, transactions forming the cycle are: 4242, 4243 (pid:${table})`,
    },
  };
}

/** A scripted Redshift in front of a real PostgreSQL whose next statements of a kind lose a 1023 conflict. */
export interface ConflictingRedshift {
  /** knex's redshift client, connected to the script. */
  knex: Knex;
  redshift: ScriptedRedshift;
  /** The next `count` statements matching `pattern` get a 1023 conflict (replaces what was asked before). */
  conflictNext(pattern: RegExp, count: number): void;
  stop(): Promise<void>;
}

/**
 * Starts a scripted Redshift that passes every statement to the PostgreSQL at `backingUrl` except those it was
 * told to make conflict, which it answers with a serialization failure naming `table`.
 */
export async function startConflictingRedshift(
  backingUrl: string,
  table: string,
): Promise<ConflictingRedshift> {
  const pending: { pattern: RegExp; left: number }[] = [];
  const redshift = await startScriptedRedshift(backingUrl, (statement) => {
    const rule = pending.find((candidate) => candidate.left > 0 && candidate.pattern.test(statement.sql));
    if (!rule) return undefined;
    rule.left -= 1;
    return serializationConflict(table);
  });
  const knex = knexFactory({
    client: 'redshift',
    connection: { host: redshift.host, port: redshift.port, user: 'u', database: 'dev', ssl: false },
    pool: { min: 0, max: 4 },
  });
  return {
    knex,
    redshift,
    conflictNext: (pattern, count) => {
      pending.splice(0, pending.length, { pattern, left: count });
    },
    stop: async () => {
      await knex.destroy();
      await redshift.stop();
    },
  };
}
