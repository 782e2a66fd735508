-- title: Top locations
-- answers: the locations (as the app logged them) with the most plays, and how many users played there
SELECT location,
       COUNT(*) AS plays,
       COUNT(DISTINCT user_id) AS users
FROM songplays
WHERE start_time >= CAST(:since AS TIMESTAMP)
  AND start_time < CAST(:until AS TIMESTAMP)
GROUP BY location
ORDER BY plays DESC, location
LIMIT :limit
