-- title: Sessions
-- answers: how many listening sessions there were, and how long one lasts on average, in plays and in minutes
--
-- A session is one user's session_id (session ids repeat across users). Its length in minutes runs from its
-- first play to its last, so a one-play session lasts 0 minutes.
SELECT COUNT(*) AS sessions,
       AVG(CAST(s.plays AS DOUBLE PRECISION)) AS average_plays,
       AVG(s.seconds) / 60 AS average_minutes
FROM (SELECT user_id,
             session_id,
             COUNT(*) AS plays,
             CAST(EXTRACT(EPOCH FROM MAX(start_time)) AS DOUBLE PRECISION)
               - CAST(EXTRACT(EPOCH FROM MIN(start_time)) AS DOUBLE PRECISION) AS seconds
      FROM songplays
      WHERE start_time >= CAST(:since AS TIMESTAMP)
  AND start_time < CAST(:until AS TIMESTAMP)
      GROUP BY user_id, session_id) s
