-- title: Catalogue match rate
-- answers: the share of plays that matched a song in the catalogue (title + artist + duration)
--
-- Every song or artist answer depends on it: a low rate means answers "from the catalogue" see few plays.
SELECT COUNT(*) AS plays,
       SUM(CASE WHEN song_id IS NOT NULL THEN 1 ELSE 0 END) AS matched_plays,
       CASE WHEN COUNT(*) = 0 THEN NULL
            ELSE CAST(SUM(CASE WHEN song_id IS NOT NULL THEN 1 ELSE 0 END) AS DOUBLE PRECISION) / COUNT(*)
       END AS match_rate
FROM songplays
WHERE start_time >= CAST(:since AS TIMESTAMP)
  AND start_time < CAST(:until AS TIMESTAMP)
