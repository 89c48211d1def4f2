/**
 * The known names closest to a mistyped one: prefixes first ("camp" → campaign), then by edit
 * distance with transpositions ("strat" → start), within a distance that grows with the length.
 */

export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

export function closest(word: string, candidates: readonly string[], max = 3): string[] {
  const w = word.toLowerCase();
  if (w === '') return [];
  const limit = Math.max(1, Math.min(3, Math.floor(w.length / 3) + 1));
  return candidates
    .map((c) => ({ c, d: c.toLowerCase().startsWith(w) || w.startsWith(c.toLowerCase()) ? 0 : editDistance(w, c.toLowerCase()) }))
    .filter((x) => x.d <= limit)
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, max)
    .map((x) => x.c);
}
