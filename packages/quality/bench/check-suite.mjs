// Benchmark (not a test): the default suite over a million songplays on the embedded PostgreSQL.
// Run after building: node packages/quality/bench/check-suite.mjs [songplays=1000000]
import { migrateTo } from '@sparkify/schema';
import { createTestDatabase, startTestPostgres } from '@sparkify/testkit';
import { defaultSuite, formatSummary, runChecks } from '@sparkify/quality';

const plays = Number(process.argv[2] ?? 1_000_000);
const server = await startTestPostgres();
const db = await createTestDatabase(server.url, 'quality_bench');
const knex = db.knex;
try {
  await migrateTo(knex, { dialect: 'postgres' });
  const seedBegan = performance.now();
  // generate_series is PostgreSQL-only, which is fine for building the fixture; the checks themselves stay portable.
  await knex.raw(
    `INSERT INTO artists (artist_id, name) SELECT 'AR' || g, 'artist ' || g FROM generate_series(1, 20000) g`,
  );
  await knex.raw(`INSERT INTO songs (song_id, title, artist_id, year, duration)
    SELECT 'SO' || g, 'song ' || g, 'AR' || (1 + g % 20000), 2000, 200 FROM generate_series(1, 100000) g`);
  await knex.raw(`INSERT INTO users (user_id, first_name, last_name, gender, level)
    SELECT g, 'f', 'l', CASE WHEN g % 2 = 0 THEN 'F' ELSE 'M' END, 'free' FROM generate_series(1, 1000) g`);
  await knex.raw(`INSERT INTO time (start_time, hour, day, week, month, year, weekday)
    SELECT t, EXTRACT(hour FROM t), EXTRACT(day FROM t), EXTRACT(week FROM t), EXTRACT(month FROM t), EXTRACT(year FROM t), EXTRACT(dow FROM t)
    FROM (SELECT TIMESTAMP '2018-11-01' + g * INTERVAL '1 second' AS t FROM generate_series(1, ${plays}) g) s`);
  await knex.raw(`INSERT INTO songplays (start_time, user_id, level, song_id, artist_id, session_id, item_in_session)
    SELECT TIMESTAMP '2018-11-01' + g * INTERVAL '1 second', 1 + g % 1000, 'free',
      CASE WHEN g % 20 = 0 THEN 'SO' || (1 + g % 100000) END, CASE WHEN g % 20 = 0 THEN 'AR' || (1 + (1 + g % 100000) % 20000) END,
      g / 100, g % 100 FROM generate_series(1, ${plays}) g`);
  await knex.raw(
    `INSERT INTO etl_runs (status, target, source, full_refresh, started_at) VALUES ('succeeded', 'postgres', 'bench', false, '2018-11-02')`,
  );
  await knex.raw(`INSERT INTO staging_events (page, session_id, item_in_session, user_id, ts)
    SELECT 'NextSong', g / 100, g % 100, CAST(1 + g % 1000 AS VARCHAR(32)), g FROM generate_series(1, ${plays}) g`);
  await knex.raw(`INSERT INTO etl_files (run_id, dataset, object_key, etag, size_bytes, records_read, records_staged, records_rejected)
    SELECT 1, 'events', 'log_data/' || g || '.json', 'e', 1, 1000, 1000, 0 FROM generate_series(1, ${Math.ceil(plays / 1000)}) g`);
  await knex.raw('ANALYZE');
  console.log(`seeded ${plays} songplays in ${((performance.now() - seedBegan) / 1000).toFixed(1)} s`);

  for (const round of [1, 2, 3]) {
    const report = await runChecks(knex, defaultSuite());
    const slow = [...report.results].sort((a, b) => b.durationMs - a.durationMs).slice(0, 3);
    console.log(
      `round ${round}: ${formatSummary(report)}; slowest: ${slow.map((r) => `${r.name} ${r.durationMs} ms`).join(', ')}`,
    );
  }
} finally {
  await db.drop();
  await server.stop();
}
