-- title: Most active users
-- answers: the users with the most plays, with their current level
SELECT sp.user_id,
       u.first_name,
       u.last_name,
       u.level AS current_level,
       COUNT(*) AS plays
FROM songplays sp
LEFT JOIN users u ON u.user_id = sp.user_id
WHERE sp.start_time >= CAST(:since AS TIMESTAMP)
  AND sp.start_time < CAST(:until AS TIMESTAMP)
GROUP BY sp.user_id, u.first_name, u.last_name, u.level
ORDER BY plays DESC, sp.user_id
LIMIT :limit
