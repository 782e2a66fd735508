-- title: Daily active users
-- answers: how many distinct users played at least one song on each calendar day (UTC)
SELECT CAST(start_time AS DATE) AS day,
       COUNT(DISTINCT user_id) AS active_users
FROM songplays
WHERE start_time >= CAST(:since AS TIMESTAMP)
  AND start_time < CAST(:until AS TIMESTAMP)
GROUP BY day
ORDER BY day
