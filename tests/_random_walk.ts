/** History-like pages for the zstd tests and bench: the bytes of a seeded random walk of doubles. */

/**
 * `count` doubles of a random walk from `seed` (each step uniform in ±`step`/2, from a linear
 * congruential generator), float32-valued when `float32`, as their little-endian bytes.
 */
export function randomWalkBytes(
  count: number,
  seed: number,
  float32: boolean,
  step = 1,
): Uint8Array {
  const values = new Float64Array(count)
  let x = seed
  let v = 0
  for (let i = 0; i < count; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0
    v += (x / 2 ** 32 - 0.5) * step
    values[i] = float32 ? Math.fround(v) : v
  }
  return new Uint8Array(values.buffer)
}
