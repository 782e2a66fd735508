-- title: Paid vs free plays
-- answers: plays by the user's level at the time of the play, with each level's share
SELECT sp.level,
       COUNT(*) AS plays,
       CAST(COUNT(*) AS DOUBLE PRECISION) / MAX(total.plays) AS share_of_plays
FROM songplays sp
CROSS JOIN (SELECT COUNT(*) AS plays
            FROM songplays
            WHERE start_time >= CAST(:since AS TIMESTAMP)
  AND start_time < CAST(:until AS TIMESTAMP)) total
WHERE sp.start_time >= CAST(:since AS TIMESTAMP)
  AND sp.start_time < CAST(:until AS TIMESTAMP)
GROUP BY sp.level
ORDER BY plays DESC, sp.level
