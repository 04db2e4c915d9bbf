/**
 * A local run's state, derived without a server from its exit record, how recently its
 * `.wandb` file was written and the newest timestamp its records carry.
 *
 * The rule (documented in docs/local-runs.md): an exit record decides (`finished` for code 0,
 * else `failed`). Without one the run is `running` only when BOTH its file was written within
 * `runningWithinSeconds` AND its newest record timestamp (run start, history `_timestamp`,
 * system-metric sample, console output) is within that window too; a live SDK writes a
 * system-metric sample every 15 s (wandb-core) or 30 s (the legacy writer), so a log whose newest
 * record is older is a crashed run whose folder was just copied or cloned. A log with no
 * timestamped record at all falls back to the file's age alone.
 *
 * @module
 */

/** Run states a local log can show (a subset of the server's `state` values). */
export type RunState = 'finished' | 'failed' | 'crashed' | 'running' | 'preempting' | 'preempted'

/** What the state is derived from. */
export interface StateFacts {
  /** The exit code of the last file's exit record, or undefined when it has none. */
  exitCode: number | undefined
  /** Whether the last file has a `preempting` record. */
  preempting: boolean
  /** When the last `.wandb` file was last written (ms since epoch). */
  modifiedMs: number
  /**
   * The newest timestamp the log's records carry (ms since epoch), or undefined when unknown;
   * only consulted when the file was written recently.
   */
  lastRecordMs?: number
}

/** Default for `runningWithinSeconds`: wandb-core samples system metrics every 15 s, so a live run writes far more often. */
export const DEFAULT_RUNNING_WITHIN_SECONDS = 300

/**
 * Derives the state: an exit record gives `finished` (code 0) or `failed`; without one the run
 * is `running` when its file was written within `runningWithinSeconds` of `nowMs` and its newest
 * record timestamp (when known) is within that window too, else `crashed` (a killed process leaves no exit record; wandb-core's sync marks such runs failed
 * with exit code 1). A preempting record turns those two into `preempting`/`preempted`.
 */
export function deriveState(
  facts: StateFacts,
  runningWithinSeconds: number,
  nowMs: number,
): RunState {
  if (facts.exitCode !== undefined) return facts.exitCode === 0 ? 'finished' : 'failed'
  const window = runningWithinSeconds * 1000
  const live = nowMs - facts.modifiedMs <= window &&
    (facts.lastRecordMs === undefined || nowMs - facts.lastRecordMs <= window)
  if (facts.preempting) return live ? 'preempting' : 'preempted'
  return live ? 'running' : 'crashed'
}

/** Whether the log's own timestamps are needed to decide: no exit record and a recently written file. */
export function needsRecordTime(
  facts: Omit<StateFacts, 'lastRecordMs'>,
  runningWithinSeconds: number,
  nowMs: number,
): boolean {
  return facts.exitCode === undefined && nowMs - facts.modifiedMs <= runningWithinSeconds * 1000
}

/** Formats Unix seconds as an ISO 8601 UTC string with whole seconds, as the API's `createdAt`. */
export function isoSeconds(seconds: number): string {
  return new Date(Math.floor(seconds) * 1000).toISOString().replace('.000Z', 'Z')
}
