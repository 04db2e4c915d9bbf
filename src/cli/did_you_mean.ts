/**
 * "Did you mean …?" for mistyped commands and options: the closest candidate by edit distance.
 *
 * @module
 */

/** Edit distance with adjacent transpositions (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1
  const cols = b.length + 1
  const d: number[][] = Array.from({ length: rows }, (_, i) => {
    const row = new Array<number>(cols).fill(0)
    row[0] = i
    return row
  })
  for (let j = 0; j < cols; j++) d[0][j] = j
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
      }
    }
  }
  return d[rows - 1][cols - 1]
}

/**
 * The candidate closest to `input` (a unique prefix match first, else the smallest edit distance
 * within a third of the input's length, at least 2), or undefined when none is close.
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const text = input.toLowerCase()
  if (text === '') return undefined
  const prefixed = candidates.filter((c) => c.toLowerCase().startsWith(text))
  if (prefixed.length === 1) return prefixed[0]
  const limit = Math.max(2, Math.floor(text.length / 3))
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of candidates) {
    const distance = editDistance(text, candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return bestDistance <= limit ? best : undefined
}
