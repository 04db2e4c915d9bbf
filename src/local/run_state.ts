/**
 * A local run's state, derived without a server from its exit record and how recently its
 * `.wandb` file was written.
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
}

/** Default for `runningWithinSeconds`: wandb-core samples system metrics every 15 s, so a live run writes far more often. */
export const DEFAULT_RUNNING_WITHIN_SECONDS = 300

/**
 * Derives the state: an exit record gives `finished` (code 0) or `failed`; without one the run
 * is `running` when its file was written within `runningWithinSeconds` of `nowMs`, else
 * `crashed` (a killed process leaves no exit record; wandb-core's sync marks such runs failed
 * with exit code 1). A preempting record turns those two into `preempting`/`preempted`.
 */
export function deriveState(
  facts: StateFacts,
  runningWithinSeconds: number,
  nowMs: number,
): RunState {
  if (facts.exitCode !== undefined) return facts.exitCode === 0 ? 'finished' : 'failed'
  const live = nowMs - facts.modifiedMs <= runningWithinSeconds * 1000
  if (facts.preempting) return live ? 'preempting' : 'preempted'
  return live ? 'running' : 'crashed'
}

/** Formats Unix seconds as an ISO 8601 UTC string with whole seconds, as the API's `createdAt`. */
export function isoSeconds(seconds: number): string {
  return new Date(Math.floor(seconds) * 1000).toISOString().replace('.000Z', 'Z')
}
