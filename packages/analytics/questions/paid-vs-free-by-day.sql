-- title: Paid vs free plays by day
-- answers: paid and free plays on each calendar day (UTC), by the level at the time of the play
SELECT CAST(start_time AS DATE) AS day,
       SUM(CASE WHEN level = 'paid' THEN 1 ELSE 0 END) AS paid_plays,
       SUM(CASE WHEN level = 'paid' THEN 0 ELSE 1 END) AS free_plays
FROM songplays
WHERE start_time >= CAST(:since AS TIMESTAMP)
  AND start_time < CAST(:until AS TIMESTAMP)
GROUP BY day
ORDER BY day
