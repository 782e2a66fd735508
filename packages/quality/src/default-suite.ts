import { acceptedValues, notNullColumns, starTables, type Table } from '@sparkify/schema';
import type { Check } from './check.js';
import type { CheckSpec } from './check-registry.js';
import { buildCheck } from './build-check.js';

/** Where each songplays foreign key points. */
const songplaysReferences = [
  { column: 'user_id', to: 'users', field: 'user_id' },
  { column: 'song_id', to: 'songs', field: 'song_id' },
  { column: 'artist_id', to: 'artists', field: 'artist_id' },
  { column: 'start_time', to: 'time', field: 'start_time' },
] as const;

const timeRanges = [
  { column: 'hour', min: 0, max: 23 },
  { column: 'day', min: 1, max: 31 },
  { column: 'week', min: 1, max: 53 },
  { column: 'month', min: 1, max: 12 },
  { column: 'weekday', min: 0, max: 6 },
] as const;

/** The key a table's rows must not repeat: the event identity for songplays, the primary key for dimensions. */
function uniqueKeyOf(table: Table): readonly string[] | undefined {
  return table.naturalKey ?? table.primaryKey;
}

/**
 * The default suite as specs, from the catalog: row counts, null keys, unique keys, orphans, accepted values
 * and ranges, ledger reconciliation and the song match rate. Ordered table by table so reports read naturally.
 */
export function defaultCheckSpecs(): CheckSpec[] {
  const specs: CheckSpec[] = [];
  for (const table of starTables) {
    specs.push({ type: 'row_count', table: table.name, min: 1 });
    for (const column of notNullColumns(table))
      specs.push({ type: 'not_null', table: table.name, columns: [column] });
    const uniqueKey = uniqueKeyOf(table);
    // songplay_id is an IDENTITY the database hands out, so only the event identity can be duplicated by a load.
    if (uniqueKey) specs.push({ type: 'unique', table: table.name, columns: [...uniqueKey] });
  }
  specs.push(
    // A matched play carries both ids; one without the other means the match half-failed.
    {
      type: 'not_null',
      name: 'not_null_songplays_artist_id_when_matched',
      table: 'songplays',
      columns: ['artist_id'],
      where: '"song_id" IS NOT NULL',
    },
    {
      type: 'not_null',
      name: 'not_null_songplays_song_id_when_matched',
      table: 'songplays',
      columns: ['song_id'],
      where: '"artist_id" IS NOT NULL',
    },
    ...songplaysReferences.map((reference): CheckSpec => ({
      type: 'relationships',
      table: 'songplays',
      ...reference,
    })),
    { type: 'relationships', table: 'songs', column: 'artist_id', to: 'artists', field: 'artist_id' },
    // One contract with the loader (@sparkify/schema acceptedValues): an enforced field's other values never
    // load, so its check fails only on a broken warehouse; others (gender) are real data and only warn.
    ...(
      [
        ['songplays', 'level'],
        ['users', 'level'],
        ['users', 'gender'],
      ] as const
    ).map(([table, column]): CheckSpec => ({
      type: 'accepted_values',
      table,
      column,
      values: [...acceptedValues[column].values],
      ...(acceptedValues[column].enforced ? {} : { severity: 'warn' as const }),
    })),
    ...timeRanges.map((range): CheckSpec => ({ type: 'accepted_range', table: 'time', ...range })),
    { type: 'file_accounting' },
    { type: 'nextsong_reconciliation' },
    {
      // Every staged NextSong event is exactly one outcome; a gap is an event the transform lost.
      type: 'sql',
      name: 'ledger_nextsong_outcomes',
      table: 'etl_runs',
      description: 'every run: NextSong staged = new + re-delivered unchanged + replaced + conflicting',
      sql:
        'SELECT run_id, nextsong_staged, nextsong_new, nextsong_unchanged, nextsong_replaced, nextsong_conflicting ' +
        "FROM etl_runs WHERE status = 'succeeded' AND nextsong_new IS NOT NULL " +
        'AND nextsong_staged <> nextsong_new + nextsong_unchanged + nextsong_replaced + nextsong_conflicting',
      keyColumns: ['run_id'],
    },
    {
      // A kept occurrence whose event has no songplay: the winner was taken back and nothing took over.
      type: 'sql',
      name: 'state_play_alternates_have_songplay',
      table: 'etl_play_alternates',
      description: 'every event kept in etl_play_alternates has its songplay',
      sql:
        'SELECT a.user_id, a.session_id, a.item_in_session, a.start_time, a.object_id FROM etl_play_alternates a ' +
        'WHERE NOT EXISTS (SELECT 1 FROM songplays p WHERE p.start_time = a.start_time AND p.user_id = a.user_id ' +
        'AND p.session_id = a.session_id AND p.item_in_session = a.item_in_session)',
      keyColumns: ['user_id', 'session_id', 'item_in_session', 'start_time'],
    },
    // Real logs match few songs, so a low rate is worth a look but is not a broken load.
    { type: 'match_rate', table: 'songplays', column: 'song_id', min: 0.01, severity: 'warn' },
    // Change over time. Thresholds for a daily feed: one missed day warns, three fail. Judged against the
    // clock, or against `--as-of` for a warehouse of historical data.
    ...defaultWatchSpecs(),
  );
  return specs;
}

/**
 * The checks that watch change over time, as specs: freshness of plays and loads (daily feed: warn after 36 h,
 * fail after 3 d), the newest load's volume against earlier loads (a drop in NextSong events fails; spikes,
 * objects and rejects warn), unknown JSON keys and rising null rates (warn).
 */
export function defaultWatchSpecs(): CheckSpec[] {
  return [
    { type: 'freshness', of: 'plays', warnAfter: '36h', errorAfter: '3d' },
    { type: 'freshness', of: 'loads', warnAfter: '36h', errorAfter: '3d' },
    // A feed at a tenth of its volume is a broken load; twice the usual may be a replay or growth: a look.
    { type: 'volume_anomaly', metric: 'nextsong_events', onDrop: 'error', onSpike: 'warn' },
    { type: 'volume_anomaly', metric: 'objects', onDrop: 'warn', onSpike: 'warn' },
    // Fewer rejects than usual is good news; more is worth a look (the load itself fails past --max-errors).
    { type: 'volume_anomaly', metric: 'rejects', onDrop: 'ignore', onSpike: 'warn' },
    { type: 'unknown_keys' },
    { type: 'null_rate' },
  ];
}

/** The default suite as runnable checks. */
export function defaultSuite(): Check[] {
  return defaultCheckSpecs().map(buildCheck);
}
