-- title: Most played songs, as played
-- answers: the songs users played most, by the title and artist in the event log, matched to the catalogue or not
-- match-rate: shown
-- catalogue-answer: most-played-songs-in-catalogue
--
-- Grouped on played_title + played_artist (what the app logged), so the answer does not depend on how much
-- of what users play the song catalogue covers. matched_plays: how many of those plays matched a catalogue song.
SELECT played_title AS title,
       played_artist AS artist,
       COUNT(*) AS plays,
       SUM(CASE WHEN song_id IS NOT NULL THEN 1 ELSE 0 END) AS matched_plays
FROM songplays
WHERE start_time >= CAST(:since AS TIMESTAMP)
  AND start_time < CAST(:until AS TIMESTAMP)
GROUP BY played_title, played_artist
ORDER BY plays DESC, title, artist
LIMIT :limit
