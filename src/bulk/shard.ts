/**
 * `--shard i/n`: a deterministic split of a project's runs across n machines by a hash of the run
 * id, so every machine computes the same disjoint slice without talking to the others.
 *
 * @module
 */

/** One slice of a sharded export: `index` of `count` (0-based, `index < count`). */
export interface Shard {
  /** This machine's slice, from 0 to `count - 1`. */
  index: number
  /** How many slices the run list is split into. */
  count: number
}

/** Parses `i/n` (e.g. `0/4`); throws a RangeError naming the value when it is not a valid slice. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text)
  if (!match) {
    throw new RangeError(
      `Cannot use shard '${text}': expected i/n with 0 <= i < n, e.g. 0/4 for the first of four machines`,
    )
  }
  const index = Number(match[1])
  const count = Number(match[2])
  if (!Number.isSafeInteger(count) || count < 1 || index >= count) {
    throw new RangeError(
      `Cannot use shard '${text}': the index must be below the count (0 <= i < n), e.g. 3/4`,
    )
  }
  return { index, count }
}

/** FNV-1a (32 bit) of a string's UTF-8 bytes: stable across runtimes and machines. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

/** The slice a run id falls into when the list is split `count` ways. */
export function shardOf(runId: string, count: number): number {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new RangeError(`Cannot shard run '${runId}' ${count} ways: count must be an integer >= 1`)
  }
  return fnv1a32(runId) % count
}

/** Whether a run belongs to a shard (every run belongs when there is no shard). */
export function inShard(runId: string, shard: Shard | undefined): boolean {
  return shard === undefined || shardOf(runId, shard.count) === shard.index
}

/** The shard as text (`i/n`), or undefined. */
export function formatShard(shard: Shard | undefined): string | undefined {
  return shard ? `${shard.index}/${shard.count}` : undefined
}
