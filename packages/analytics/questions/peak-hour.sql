-- title: Peak usage hour
-- answers: the hour of day (UTC) with the most plays, and its share of all plays (ties: the earliest hour)
SELECT CAST(EXTRACT(HOUR FROM sp.start_time) AS INTEGER) AS hour,
       COUNT(*) AS plays,
       CAST(COUNT(*) AS DOUBLE PRECISION) / MAX(total.plays) AS share_of_plays
FROM songplays sp
CROSS JOIN (SELECT COUNT(*) AS plays
            FROM songplays
            WHERE start_time >= CAST(:since AS TIMESTAMP)
  AND start_time < CAST(:until AS TIMESTAMP)) total
WHERE sp.start_time >= CAST(:since AS TIMESTAMP)
  AND sp.start_time < CAST(:until AS TIMESTAMP)
GROUP BY hour
ORDER BY plays DESC, hour
LIMIT 1
