-- title: Plays by hour of day
-- answers: how many songs were played in each hour of the day (UTC, 0-23); hours without plays are left out
SELECT CAST(EXTRACT(HOUR FROM start_time) AS INTEGER) AS hour,
       COUNT(*) AS plays
FROM songplays
WHERE start_time >= CAST(:since AS TIMESTAMP)
  AND start_time < CAST(:until AS TIMESTAMP)
GROUP BY hour
ORDER BY hour
