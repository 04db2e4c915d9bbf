/**
 * Following a remote run's data that the API only serves as a whole (the sampled system-metric
 * rows): poll the run's state and the rows, emit the rows whose key (`_timestamp`) is above every
 * key emitted before, and end when the run reaches a terminal state. The wait between polls
 * starts at `pollIntervalMs` and grows 1.5× per poll that brought nothing, up to
 * `maxPollIntervalMs`.
 *
 * @module
 */
import type { Row } from '../row.ts'
import { linkedAbort } from '../linked_abort.ts'
import { sleep } from '../http/retry_policy.ts'
import { linkedPullStream } from '../streams/linked_pull_stream.ts'
import { TERMINAL_STATES } from './run_lifecycle.ts'
import { idleBoundedWait, type IdleWatch, MAX_FAILED_POLLS, retryablePoll } from './follow_wait.ts'

/** Options of {@linkcode followPolled}. */
export interface FollowPollOptions {
  /** Error with a FollowIdleError when no new row arrived for this many ms. @default no limit */
  idleTimeoutMs?: number
  /** Wait between polls while rows arrive, in ms. @default 5000 */
  pollIntervalMs?: number
  /** Longest wait between polls, in ms. @default 30000 */
  maxPollIntervalMs?: number
  /** Cancels following; the stream errors with the signal's reason. */
  signal?: AbortSignal
  /** Called once when the run reached a terminal state and its last rows were read. */
  onEnd?: (end: { state: string; rows: number }) => void
}

/** What a poller reads. */
export interface PollSource {
  /** `entity/project/run_id`, for messages. */
  runPath: string
  /** What is polled, for messages (`system metrics`). */
  what: string
  /** Reads the run's state. */
  state(signal: AbortSignal): Promise<string>
  /** Reads every row there is now. */
  rows(signal: AbortSignal): Promise<Row[]>
  /** The increasing key of a row (rows without one are skipped). */
  key(row: Row): number | undefined
}

/** Streams the new rows of each poll until the run ends (see the module). */
export function followPolled(
  source: PollSource,
  options: FollowPollOptions = {},
): ReadableStream<Row[]> {
  const min = options.pollIntervalMs ?? 5000
  const max = Math.max(min, options.maxPollIntervalMs ?? 30_000)
  const link = linkedAbort(options.signal)
  const signal = link.controller.signal
  let last = -Infinity
  let polls = 0
  let wait = min
  let dataAt = Date.now()
  let emitted = 0
  let failures = 0
  let state = 'unknown'
  const watch: IdleWatch = {
    runPath: source.runPath,
    what: source.what,
    idleTimeoutMs: options.idleTimeoutMs,
    lastSeen: () =>
      Number.isFinite(last) ? `_timestamp ${last} (state ${state})` : `nothing (state ${state})`,
  }
  return linkedPullStream<Row[]>(link, async (c) => {
    for (;;) {
      if (polls++ > 0) {
        await sleep(idleBoundedWait(watch, dataAt, wait), signal)
      }
      let rows: Row[]
      try {
        state = await source.state(signal)
        rows = await source.rows(signal)
      } catch (err) {
        if (!retryablePoll(err) || signal.aborted || ++failures > MAX_FAILED_POLLS) throw err
        wait = max
        continue
      }
      failures = 0
      const fresh: Row[] = []
      for (const row of rows) {
        const k = source.key(row)
        if (k !== undefined && k > last) {
          fresh.push(row)
          last = k
        }
      }
      const final = TERMINAL_STATES.has(state)
      wait = fresh.length > 0 ? min : Math.min(max, wait * 1.5)
      if (fresh.length > 0) {
        dataAt = Date.now()
        emitted += fresh.length
        c.enqueue(fresh)
      }
      if (final) {
        link.unlink()
        options.onEnd?.({ state, rows: emitted })
        c.close()
        return
      }
      if (fresh.length > 0) return
    }
  })
}
