-- title: Plays by day
-- answers: how many songs were played on each calendar day (UTC); days without plays are left out
SELECT CAST(start_time AS DATE) AS day,
       COUNT(*) AS plays
FROM songplays
WHERE start_time >= CAST(:since AS TIMESTAMP)
  AND start_time < CAST(:until AS TIMESTAMP)
GROUP BY day
ORDER BY day
