import { z } from 'zod';
import { commonFields, defineCheck } from './check-definition.js';

/** `nextsong_reconciliation`: after a successful load, every staged NextSong event has its songplay. */
export const nextsongReconciliation = defineCheck({
  schema: z.strictObject({ type: z.literal('nextsong_reconciliation'), ...commonFields }),
  defaultName: () => 'ledger_nextsong_songplays',
  // Per event, not per count: a re-delivered file stages events that already have their songplay, so
  // "NextSong staged = songplays added" only holds event by event. Only meaningful when the newest run
  // succeeded: a failed or running one may have staged events it never transformed.
  shape: () => ({
    table: 'staging_events',
    description: 'after a successful load, every staged NextSong event has its songplay',
    sql:
      'SELECT staged.session_id, staged.item_in_session, COUNT(*) AS staged_copies FROM staging_events AS staged ' +
      "JOIN (SELECT run_id FROM etl_runs WHERE status = 'succeeded' AND run_id = (SELECT MAX(run_id) FROM etl_runs)) AS latest ON 1 = 1 " +
      'LEFT JOIN songplays AS play ON play.session_id = staged.session_id AND play.item_in_session = staged.item_in_session ' +
      "WHERE staged.page = 'NextSong' AND play.songplay_id IS NULL GROUP BY staged.session_id, staged.item_in_session",
    keyColumns: ['session_id', 'item_in_session'],
  }),
});
