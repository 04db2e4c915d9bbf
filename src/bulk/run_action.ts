/**
 * What an export does with one run, from the manifest's entry (the watermarks of the last
 * export) and the run as the source shows it now.
 *
 * | action | when | history |
 * |---|---|---|
 * | `new` | no entry | from step 0 |
 * | `resume` | entry not complete (interrupted or failed) | from the last part written |
 * | `append` | run grew (`lastHistoryStep` went up) | new parts from the last exported step |
 * | `rewrite` | run was rewound or forked (`lastHistoryStep` or `historyLineCount` went down, or the count changed at the same last step) | old parts removed, from step 0 |
 * | `refresh` | metadata changed (state, update time) or a part newly included | unchanged |
 * | `skip` | nothing changed and every included part is there | unchanged |
 *
 * @module
 */
import type { Include, RunEntry } from './manifest.ts'

/** What to do with a run. */
export type RunAction = 'new' | 'resume' | 'append' | 'rewrite' | 'refresh' | 'skip'

/** The watermarks of a run as the source shows it now. */
export interface RunSnapshot {
  /** Run state. */
  state: string
  /** Last update (heartbeat) time. */
  updatedAt: string | null
  /** History line count. */
  historyLineCount: number
  /** Last history step (-1: none). */
  lastHistoryStep: number
}

/** Whether an entry holds every part `include` asks for. */
export function coversInclude(entry: RunEntry, include: Include): boolean {
  return (!include.history || entry.history !== undefined) &&
    (!include.system || entry.system !== undefined) &&
    (!include.logs || entry.logs !== undefined) &&
    (!include.files || entry.files !== undefined) &&
    (!include.artifacts || entry.artifacts !== undefined)
}

/** Decides the action for a run (see the module table). */
export function decideAction(
  entry: RunEntry | undefined,
  run: RunSnapshot,
  include: Include,
): RunAction {
  if (!entry) return 'new'
  const history = include.history ? entry.history : undefined
  if (history) {
    if (run.lastHistoryStep < history.lastStep) return 'rewrite'
    if (run.historyLineCount < history.rows) return 'rewrite'
  }
  if (!entry.complete) return 'resume'
  const unchanged = entry.state === run.state && entry.updatedAt === run.updatedAt &&
    entry.historyLineCount === run.historyLineCount &&
    entry.lastHistoryStep === run.lastHistoryStep
  if (unchanged && coversInclude(entry, include)) return 'skip'
  if (history) {
    if (run.lastHistoryStep > history.lastStep) return 'append'
    if (run.historyLineCount !== entry.historyLineCount) return 'rewrite'
  }
  return 'refresh'
}
