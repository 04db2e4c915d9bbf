/**
 * `--since`: a lower bound on a run's creation or last-update time, as an absolute time
 * (`2024-05-01`, `2024-05-01T12:00:00Z`) or relative to now (`7d`, `12h`, `30m`), optionally
 * prefixed by the field (`created:` the default, or `updated:` for the last heartbeat).
 *
 * @module
 */

/** Which time a `--since` bound applies to. */
export type SinceField = 'created' | 'updated'

/** A parsed `--since`: the field and the bound as an ISO 8601 UTC time. */
export interface Since {
  /** `created` (the run's creation time) or `updated` (its last heartbeat). */
  field: SinceField
  /** The bound, inclusive, as `YYYY-MM-DDTHH:MM:SS.sssZ`. */
  time: string
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/**
 * Parses `[created:|updated:]TIME`. A time without a zone is UTC, as W&B stores times. Throws a
 * RangeError naming the text when it is neither a date nor a duration such as `7d`.
 */
export function parseSince(text: string, now: number = Date.now()): Since {
  const match = /^\s*(?:(created|updated):)?\s*(.+?)\s*$/.exec(text)
  const field: SinceField = (match?.[1] as SinceField | undefined) ?? 'created'
  const value = match?.[2] ?? ''
  const relative = /^(\d+(?:\.\d+)?)([mhdw])$/.exec(value)
  let ms: number
  if (relative) ms = now - Number(relative[1]) * UNIT_MS[relative[2]]
  else {
    const zoned = /[zZ]$|[+-]\d\d:?\d\d$/.test(value) || /^\d{4}-\d{2}-\d{2}$/.test(value)
    ms = Date.parse(zoned ? value : value + 'Z')
  }
  if (!Number.isFinite(ms)) {
    throw new RangeError(
      `Cannot use --since '${text}': expected [created:|updated:] and a date (2024-05-01, ` +
        '2024-05-01T12:00:00Z) or an age such as 7d, 12h or 30m',
    )
  }
  return { field, time: new Date(ms).toISOString() }
}

/** Milliseconds since the epoch of a W&B time string (no zone means UTC); NaN when unreadable. */
export function timeMs(text: string | null | undefined): number {
  if (!text) return NaN
  return Date.parse(/[zZ]$|[+-]\d\d:?\d\d$/.test(text) ? text : text + 'Z')
}

/** Whether a run's created/updated times pass a `--since` bound (a missing time fails it). */
export function passesSince(
  since: Since | undefined,
  createdAt: string | null | undefined,
  updatedAt: string | null | undefined,
): boolean {
  if (!since) return true
  const value = timeMs(since.field === 'created' ? createdAt : updatedAt)
  return Number.isFinite(value) && value >= Date.parse(since.time)
}
