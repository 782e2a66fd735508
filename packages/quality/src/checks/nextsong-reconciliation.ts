import { z } from 'zod';
import { commonFields, defineCheck } from './check-definition.js';

/** `nextsong_reconciliation`: after a successful load, every staged NextSong event has its songplay. */
export const nextsongReconciliation = defineCheck({
  schema: z.strictObject({ type: z.literal('nextsong_reconciliation'), ...commonFields }),
  defaultName: () => 'ledger_nextsong_songplays',
  // Per event, not per count: a re-delivered file stages events that already have their songplay, so
  // "NextSong staged = songplays added" only holds event by event (the event identity: user, session, item,
  // start time). Staging holds what the newest run that staged anything read (every staging run empties it
  // first), so it is compared only when that run succeeded: a failed one staged events it never transformed,
  // and a "nothing new" run after it (files_planned = 0) stages nothing and must not be judged by the failed
  // run's rows.
  shape: () => ({
    table: 'staging_events',
    description: 'after a successful load, every staged NextSong event has its songplay',
    sql:
      'SELECT staged.user_id, staged.session_id, staged.item_in_session, staged.ts, COUNT(*) AS staged_copies ' +
      'FROM staging_events AS staged ' +
      "JOIN (SELECT run_id FROM etl_runs WHERE status = 'succeeded' AND run_id = " +
      '(SELECT MAX(run_id) FROM etl_runs WHERE files_planned IS NULL OR files_planned > 0)) AS latest ON 1 = 1 ' +
      "LEFT JOIN songplays AS play ON play.user_id = CAST(NULLIF(staged.user_id, '') AS INTEGER) " +
      'AND play.session_id = staged.session_id AND play.item_in_session = staged.item_in_session ' +
      "AND play.start_time = TIMESTAMP 'epoch' + CAST(staged.ts AS DOUBLE PRECISION) / 1000.0 * INTERVAL '1 second' " +
      "WHERE staged.page = 'NextSong' AND play.songplay_id IS NULL " +
      'GROUP BY staged.user_id, staged.session_id, staged.item_in_session, staged.ts',
    keyColumns: ['user_id', 'session_id', 'item_in_session', 'ts'],
  }),
});
