/**
 * Finds the numbers in JSON text that are spelled as floats but hold integral values (`1.0`,
 * `2e3`): after `JSON.parse` they are indistinguishable from integers. Paths are the keys down
 * through nested objects joined with dots (`eval.score`), as flattening names columns; numbers
 * inside arrays are not reported (arrays stay JSON text, and JSON text keeps no float marker).
 *
 * @module
 */

/** A cheap test: can the text hold an integral float at all (`.0` before a delimiter, or an exponent)? */
const CANDIDATE = /\.0+(?:[eE][+-]?\d+)?(?=[\s,}\]]|$)|\d[eE]\+?\d/

/** Dotted paths of integral-valued float tokens in `text` (an object), or undefined when none. */
export function integralFloatPaths(text: string): string[] | undefined {
  if (!CANDIDATE.test(text)) return undefined
  const found: string[] = []
  const keys: (string | null)[] = [] // one entry per open container: its current key, null for arrays
  let inArray = 0
  let expectKey = false
  let i = 0
  const n = text.length
  while (i < n) {
    const c = text.charCodeAt(i)
    if (c === 123) { // {
      keys.push('')
      expectKey = true
      i++
    } else if (c === 91) { // [
      keys.push(null)
      inArray++
      i++
    } else if (c === 125 || c === 93) { // } ]
      if (keys.pop() === null) inArray--
      i++
    } else if (c === 44) { // ,
      expectKey = keys.length > 0 && keys[keys.length - 1] !== null
      i++
    } else if (c === 34) { // "
      let j = i + 1
      let escaped = false
      while (j < n && text.charCodeAt(j) !== 34) j += text.charCodeAt(j) === 92 ? 2 : 1
      if (text.slice(i + 1, j).includes('\\')) escaped = true
      if (expectKey) {
        const raw = text.slice(i, j + 1)
        keys[keys.length - 1] = escaped ? JSON.parse(raw) : raw.slice(1, -1)
        expectKey = false
      }
      i = j + 1
    } else if (c === 45 || (c >= 48 && c <= 57)) { // number
      let j = i + 1
      while (j < n && /[0-9.eE+-]/.test(text[j])) j++
      const token = text.slice(i, j)
      if (inArray === 0 && /[.eE]/.test(token) && Number.isInteger(Number(token))) {
        found.push(keys.join('.'))
      }
      i = j
    } else i++
  }
  return found.length ? found : undefined
}
