/**
 * Byte sizes as people type them on a command line: `500MB`, `1.5GiB`, `800k`, `1000000`.
 *
 * @module
 */

/** Bytes per unit, lower-case; SI units are powers of 1000, IEC units (`KiB`) powers of 1024. */
const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
}

/** Parses a size such as `500MB` or `2GiB` into whole bytes; throws a RangeError naming the text. */
export function parseByteSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text)
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined
  const bytes = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : NaN
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    throw new RangeError(
      `Cannot read the size ${JSON.stringify(text)}: use a positive number of bytes with an ` +
        'optional unit, such as 500MB, 2GiB or 800000',
    )
  }
  return bytes
}
