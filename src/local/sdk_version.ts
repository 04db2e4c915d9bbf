/**
 * Compares wandb SDK version strings (`0.12.21`, `0.11.3.dev1`, `0.18.3+abc…`) by their
 * numeric release parts, which is all the era rules of the local reader need.
 *
 * @module
 */

/** The numeric release parts of a version (`0.11.3.dev1` → `[0, 11, 3]`), or undefined when it has none. */
export function releaseParts(version: string): number[] | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version.trim())
  if (!m) return undefined
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)]
}

/** Whether `version` is at least `minimum` (both `major.minor.patch`); false for an unparsable version. */
export function versionAtLeast(version: string, minimum: string): boolean {
  const a = releaseParts(version)
  const b = releaseParts(minimum)
  if (!a || !b) return false
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i]
  return true
}

/** Whether `version` lies in `[from, below)`; false for an unparsable version. */
export function versionInRange(version: string, from: string, below: string): boolean {
  return versionAtLeast(version, from) && !versionAtLeast(version, below)
}
