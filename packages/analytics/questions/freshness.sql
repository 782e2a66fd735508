-- title: Freshness
-- answers: how current the warehouse is: its newest play and when the last successful load finished (UTC)
--
-- Ignores --since/--until: it describes the warehouse, not a period.
SELECT p.newest_play,
       p.plays,
       r.last_load_finished,
       r.successful_loads
FROM (SELECT MAX(start_time) AS newest_play, COUNT(*) AS plays FROM songplays) p
CROSS JOIN (SELECT MAX(finished_at) AS last_load_finished, COUNT(*) AS successful_loads
            FROM etl_runs
            WHERE status = 'succeeded') r
