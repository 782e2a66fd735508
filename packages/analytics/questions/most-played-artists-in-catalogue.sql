-- title: Most played artists, matched to the catalogue
-- answers: the catalogue artists with the most plays matched to their songs; blind to unmatched plays
-- match-rate: shown
SELECT a.artist_id,
       a.name AS artist,
       COUNT(*) AS plays
FROM songplays sp
JOIN artists a ON a.artist_id = sp.artist_id
WHERE sp.start_time >= CAST(:since AS TIMESTAMP)
  AND sp.start_time < CAST(:until AS TIMESTAMP)
GROUP BY a.artist_id, a.name
ORDER BY plays DESC, a.name, a.artist_id
LIMIT :limit
