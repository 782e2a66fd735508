-- title: Most played artists, as played
-- answers: the artists users played most, by the artist name in the event log, matched to the catalogue or not
-- match-rate: shown
-- catalogue-answer: most-played-artists-in-catalogue
SELECT played_artist AS artist,
       COUNT(*) AS plays,
       SUM(CASE WHEN artist_id IS NOT NULL THEN 1 ELSE 0 END) AS matched_plays
FROM songplays
WHERE start_time >= CAST(:since AS TIMESTAMP)
  AND start_time < CAST(:until AS TIMESTAMP)
GROUP BY played_artist
ORDER BY plays DESC, artist
LIMIT :limit
