-- title: Plays by weekday
-- answers: how many songs were played on each day of the week (UTC; 0 = Sunday)
SELECT CAST(EXTRACT(DOW FROM start_time) AS INTEGER) AS weekday,
       CASE CAST(EXTRACT(DOW FROM start_time) AS INTEGER)
         WHEN 0 THEN 'Sunday' WHEN 1 THEN 'Monday' WHEN 2 THEN 'Tuesday' WHEN 3 THEN 'Wednesday'
         WHEN 4 THEN 'Thursday' WHEN 5 THEN 'Friday' ELSE 'Saturday'
       END AS weekday_name,
       COUNT(*) AS plays
FROM songplays
WHERE start_time >= CAST(:since AS TIMESTAMP)
  AND start_time < CAST(:until AS TIMESTAMP)
GROUP BY weekday, weekday_name
ORDER BY weekday
