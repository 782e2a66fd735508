/** Edit distance (insertions, deletions, substitutions, adjacent swaps), case-insensitive. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const rows = Array.from({ length: x.length + 1 }, (_, i) => [i, ...Array<number>(y.length).fill(0)]);
  for (let j = 1; j <= y.length; j += 1) rows[0]![j] = j;
  for (let i = 1; i <= x.length; i += 1) {
    for (let j = 1; j <= y.length; j += 1) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1])
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[x.length]![y.length]!;
}

/**
 * The known key a misspelt one most likely meant (`databse` → `databaseUrl`, `redshift.hots` → `redshift.host`):
 * the closest by edit distance to the key or to its start (a half point more), within a third of the typed
 * length; else undefined.
 */
export function suggestKey(typed: string, known: readonly string[]): string | undefined {
  let best: { key: string; score: number } | undefined;
  for (const key of known) {
    const starts = [typed.length - 1, typed.length, typed.length + 1]
      .filter((length) => length > 0 && length < key.length)
      .map((length) => distance(typed, key.slice(0, length)) + 0.5);
    const score = Math.min(distance(typed, key), ...starts);
    if (!best || score < best.score) best = { key, score };
  }
  return best && best.score <= Math.max(1, Math.floor(typed.length / 3)) ? best.key : undefined;
}
