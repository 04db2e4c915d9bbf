/**
 * What a full history scan checks against what the server declares: rows without an integer
 * `_step`, two different rows for one step, and fewer rows than the run's `historyLineCount`.
 *
 * The row count is checked only when the scan can know it: every key (no `keys` filter), the
 * whole step range (from step 0 to the `lastHistoryStep` the scan began with), a declared
 * `historyLineCount`, and a run that is not `running` or `pending` (a live run's count moves
 * while it is read). Sampled reads (`run.history({samples})`) are never checked: sampling drops
 * rows on purpose. Malformed and conflicting rows are checked on every scan.
 *
 * @module
 */

/** What to do about a shortfall: throw, or report it and go on. */
export type ShortfallMode = 'error' | 'report'

/** A history scan found rows missing, malformed or in conflict (see the module docs). */
export class HistoryShortfallError extends Error {
  /** `entity/project/run_id`. */
  readonly runPath: string
  /** The step concerned, when one is. */
  readonly step: number | undefined

  /** Describes the problem; the message names the run and, when known, the step. */
  constructor(runPath: string, message: string, step?: number) {
    super(message)
    this.name = 'HistoryShortfallError'
    this.runPath = runPath
    this.step = step
  }
}

/** What decides whether the row count is checked. */
export interface CountCheck {
  /** `entity/project/run_id`. */
  runPath: string
  /** The run's declared `historyLineCount`, if known. */
  declared: number | undefined
  /** The run's state, if known. */
  state: string | undefined
  /** Whether the scan reads every key. */
  allKeys: boolean
  /** First step read. */
  minStep: number
  /** Step the scan stopped before. */
  stop: number
  /** The run's `lastHistoryStep` when the scan began. */
  lastHistoryStep: number
  /** Rows the scan produced (one per step, before key selection). */
  rows: number
}

/** The shortfall message when fewer rows came than declared, else undefined. */
export function countShortfall(c: CountCheck): string | undefined {
  if (c.declared === undefined || !Number.isSafeInteger(c.declared)) return undefined
  if (!c.allKeys || c.minStep !== 0 || c.stop !== c.lastHistoryStep + 1) return undefined
  if (c.state === 'running' || c.state === 'pending') return undefined
  if (c.rows >= c.declared) return undefined
  return `History of ${c.runPath} is short: the server declares ${c.declared} rows ` +
    `(historyLineCount) but its pages held ${c.rows} for steps 0-${c.lastHistoryStep}; ` +
    `rows were dropped on the way, try again later (or pass onShortfall: 'report' / --allow-shortfall to keep what came)`
}

/** The message for a row whose `_step` is not an integer. */
export function badStepMessage(runPath: string, from: number, to: number, step: unknown): string {
  return `History of ${runPath}: a row in steps ${from}-${to} has _step ${
    JSON.stringify(step)?.slice(0, 40)
  }, not an integer; the server sent a malformed page, try again later (or pass onShortfall: 'report' / --allow-shortfall to skip such rows)`
}

/** The message for two different rows sent for one step. */
export function conflictMessage(runPath: string, step: number): string {
  return `History of ${runPath}: the server sent two different rows for step ${step}; ` +
    `refusing to pick one, try again later (or pass onShortfall: 'report' / --allow-shortfall to keep the last)`
}
