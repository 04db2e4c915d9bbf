/**
 * `scanHistory({ follow: true })` for a remote run: a stream that reads the history as it is,
 * then polls for new rows until the run reaches a terminal state.
 *
 * Each poll sends the SDK's own queries: `RunState` (runs.py `Run.wait_until_finished`), then a
 * history scan from the step after the last one read (`RunHistoryKeys` for `lastStep`, runs.py
 * `Run.lastHistoryStep`, and `HistoryPage` pages, wandb-core runhistoryreader/livedata.go). The
 * first scan uses the Parquet exports when the server has them; later ones page the live tail.
 * A row is emitted only when its step is above every step emitted before, so no step comes
 * twice across pages, exports or polls, and each scan starts right after the last step seen, so
 * none is skipped. The state is read before the scan, so the scan after a terminal state holds
 * every row logged before it. The wait between polls is `pollIntervalMs` while rows arrive and
 * grows 1.5× per empty poll up to `maxPollIntervalMs`; 429/5xx answers are retried by the
 * transport (honouring `Retry-After`), and a poll that still fails is tried again after the
 * longest wait, up to three times in a row.
 *
 * @module
 */
import type { Row } from '../../row.ts'
import { linkedAbort } from '../../linked_abort.ts'
import { RUN_STATE_QUERY } from '../queries.ts'
import { sleep } from '../../http/retry_policy.ts'
import { linkedPullStream } from '../../streams/linked_pull_stream.ts'
import { TERMINAL_STATES } from '../run_lifecycle.ts'
import { idleBoundedWait, type IdleWatch, MAX_FAILED_POLLS, retryablePoll } from '../follow_wait.ts'
import { requestHistory, runNotFound, runVariables } from './history_request.ts'
import type { HistoryRunRef, HistoryTransport } from './history_target.ts'
import { KeySelection } from '../../history/key_selection.ts'
import { scanHistory, type ScanHistoryOptions } from './scan_history.ts'

/** How a followed remote stream ended by itself. */
export interface RemoteFollowEnd {
  /** The run's state when following ended: terminal (`finished`, `failed`, `crashed`, `killed`, `preempted`), or any state once `maxStep` was reached. */
  state: string
  /** The last step read, or -1. */
  lastStep: number
  /** Rows emitted. */
  rows: number
}

/** Options of a remote history scan, with following. */
export interface FollowHistoryOptions extends ScanHistoryOptions {
  /**
   * Keep the stream open while the run is live: poll for new rows until the run is finished,
   * failed, crashed, killed or preempted (or `maxStep` is reached).
   * @default false
   */
  follow?: boolean
  /** While following: error with a FollowIdleError when no new row arrived for this many ms. @default no limit */
  idleTimeoutMs?: number
  /** While following: the wait between polls while rows arrive, in ms. @default 1000 */
  pollIntervalMs?: number
  /** While following: the longest wait between polls when nothing arrives, in ms. @default 15000 */
  maxPollIntervalMs?: number
  /** While following: called once when the run reached a terminal state (or `maxStep`) and every row was read. */
  onEnd?: (end: RemoteFollowEnd) => void
}

/** Checks the follow options (RangeError for a bad duration). */
function checkFollow(options: FollowHistoryOptions): void {
  for (const key of ['idleTimeoutMs', 'pollIntervalMs', 'maxPollIntervalMs'] as const) {
    const v = options[key]
    if (v !== undefined && !(typeof v === 'number' && v > 0 && v < Infinity)) {
      throw new RangeError(
        `Cannot follow the history: ${key} must be a positive number of ms, got ${v}`,
      )
    }
  }
}

/** Reads the run's state with the `RunState` query. */
async function readState(
  transport: HistoryTransport,
  run: HistoryRunRef,
  signal: AbortSignal,
): Promise<string> {
  const data = await requestHistory(transport, run, RUN_STATE_QUERY, runVariables(run), signal) as
    | { project?: { run?: { state?: unknown } | null } | null }
    | null
  const node = data?.project?.run
  if (!node) throw runNotFound(run, 'follow the history')
  return String(node.state ?? 'unknown')
}

/** Streams `run`'s history rows in step order, polling for new ones until the run ends (see the module). */
export function followHistory(
  transport: HistoryTransport,
  run: HistoryRunRef,
  options: FollowHistoryOptions = {},
): ReadableStream<Row[]> {
  checkFollow(options)
  const {
    follow: _follow,
    idleTimeoutMs,
    pollIntervalMs = 1000,
    maxPollIntervalMs = 15_000,
    onEnd,
    onComplete: _onComplete,
    onMissingKeys,
    ...scan
  } = options
  const maxWait = Math.max(pollIntervalMs, maxPollIntervalMs)
  const link = linkedAbort(options.signal)
  const signal = link.controller.signal
  const keys = scan.keys?.length ? scan.keys : undefined
  const selection = new KeySelection(keys, scan.keysMode)
  const stop = scan.maxStep
  let last = (scan.minStep ?? 0) - 1
  let reader: ReadableStreamDefaultReader<Row[]> | undefined
  let scanLast = -1
  let polls = 0
  let attempts = 0
  let firstScan = false
  let firstMissing: string[] = []
  let final = false
  let state = 'unknown'
  let wait = pollIntervalMs
  let gotRows = false
  let dataAt = Date.now()
  let emitted = 0
  let failures = 0

  /** Starts the next scan: exports allowed on the first one, GraphQL pages of the tail after. */
  const startScan = (): void => {
    const first = polls++ === 0
    firstScan = first
    scanLast = -1
    reader = scanHistory(transport, run, {
      ...scan,
      // The first scan selects keys itself (reading only their export columns); later scans are
      // selected here so that `last` advances over rows without the keys too.
      keys: first ? keys : undefined,
      minStep: last + 1,
      source: first ? scan.source : 'graphql',
      // A known last step holds for the first scan only; each poll asks for the new one.
      lastHistoryStep: first ? scan.lastHistoryStep : undefined,
      signal,
      onComplete: (report) => (scanLast = report.lastHistoryStep),
      onMissingKeys: first ? (missing) => (firstMissing = missing) : undefined,
    }).getReader()
  }

  const watch: IdleWatch = {
    runPath: `${run.entity}/${run.project}/${run.id}`,
    what: 'history row',
    idleTimeoutMs,
    lastSeen: () =>
      last < 0 ? `no history row yet (state ${state})` : `history step ${last} (state ${state})`,
  }

  return linkedPullStream<Row[]>(link, async (c) => {
    for (;;) {
      signal.throwIfAborted()
      if (reader) {
        let result: ReadableStreamReadResult<Row[]>
        try {
          result = await reader.read()
        } catch (err) {
          reader = undefined
          if (!retryablePoll(err) || signal.aborted || ++failures > MAX_FAILED_POLLS) throw err
          wait = maxWait
          continue
        }
        failures = 0
        if (!result.done) {
          const fresh = result.value.filter((row) => (row._step as number) > last)
          if (fresh.length === 0) continue
          for (const row of fresh) last = Math.max(last, row._step as number)
          const rows = firstScan ? fresh : selection.select(fresh)
          gotRows = true
          dataAt = Date.now()
          if (rows.length === 0) continue
          emitted += rows.length
          c.enqueue(rows)
          return
        }
        reader = undefined
        // The run's last step counts as read only inside the range asked for.
        if (firstScan) {
          last = Math.max(last, stop === undefined ? scanLast : Math.min(scanLast, stop - 1))
        }
        if (final || (stop !== undefined && last >= stop - 1)) {
          link.unlink()
          if (onMissingKeys && keys) {
            const later = new Set(selection.missingKeys())
            const missing = polls > 1 ? firstMissing.filter((k) => later.has(k)) : firstMissing
            if (missing.length > 0) onMissingKeys(missing)
          }
          onEnd?.({ state, lastStep: last, rows: emitted })
          c.close()
          return
        }
        wait = gotRows ? pollIntervalMs : Math.min(maxWait, wait * 1.5)
        gotRows = false
        continue
      }
      if (attempts++ > 0) {
        await sleep(idleBoundedWait(watch, dataAt, wait), signal)
      }
      try {
        state = await readState(transport, run, signal)
      } catch (err) {
        if (!retryablePoll(err) || signal.aborted || ++failures > MAX_FAILED_POLLS) throw err
        wait = maxWait
        continue
      }
      final = TERMINAL_STATES.has(state)
      startScan()
    }
  })
}
