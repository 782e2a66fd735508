-- title: Most played songs, matched to the catalogue
-- answers: the catalogue songs with the most plays matched to them (title + artist + duration); blind to unmatched plays
-- match-rate: shown
SELECT s.song_id,
       s.title,
       a.name AS artist,
       COUNT(*) AS plays
FROM songplays sp
JOIN songs s ON s.song_id = sp.song_id
JOIN artists a ON a.artist_id = s.artist_id
WHERE sp.start_time >= CAST(:since AS TIMESTAMP)
  AND sp.start_time < CAST(:until AS TIMESTAMP)
GROUP BY s.song_id, s.title, a.name
ORDER BY plays DESC, s.title, a.name, s.song_id
LIMIT :limit
