/**
 * The CLI side of `--follow`: its options, the selection a RunSource gets, ending the output
 * cleanly when the idle timeout fires (so CSV and Parquet files are complete with what was
 * read), fixed CSV columns, and one Parquet row group per flush interval.
 *
 * @module
 */
import { FollowIdleError } from '../follow_idle_error.ts'
import type { Row } from '../row.ts'
import { EXPORT_FORMATS, type ExportFormat } from '../export/mod.ts'
import { flattenRow } from '../export/flatten.ts'
import type { CommandContext, OptionSpec } from './command.ts'
import { outputOptions } from './command.ts'
import type { FollowSelection } from './run_source.ts'
import { UsageError } from './usage_error.ts'

/** Exit status when following ended because the run looked stalled (`--idle-timeout`). */
export const EXIT_STALLED = 3

/** `--follow`, `--idle-timeout` and (for row output) `--flush-interval`. */
export const followOptions: Record<string, OptionSpec> = {
  follow: {
    type: 'boolean',
    short: 'f',
    description: 'Keep going while the run is live; stop when it finishes, crashes or is killed',
  },
  'idle-timeout': {
    type: 'string',
    valueName: 'SECONDS',
    description: `With -f: stop (exit ${EXIT_STALLED}) when nothing new arrives for this long`,
  },
}

/** The output options of a followable command: `-f` is --follow there, so --format has no short form. */
export const followOutputOptions: Record<string, OptionSpec> = {
  ...outputOptions,
  format: { ...outputOptions.format, short: undefined },
  'flush-interval': {
    type: 'string',
    valueName: 'SECONDS',
    description: 'With -f and Parquet: one row group per this many seconds (default: 10)',
  },
}

/** Help text every followable command adds. */
export const FOLLOW_DETAILS = [
  '',
  'With -f/--follow the output keeps growing while the run is live and ends by itself when it',
  'finishes (exit record locally; finished/failed/crashed/killed on the server). NDJSON and CSV',
  'are written batch by batch (CSV columns are fixed by the first rows read; keys first seen',
  'later are named on stderr). Parquet (-o FILE.parquet) gets one row group per',
  '--flush-interval and is written as a valid file when following ends: the run ended, or',
  '--idle-timeout passed (exit 3); Ctrl-C leaves no file. Local runs show rows as wandb-core',
  'flushes its .wandb file (every 15 s by default: x_transaction_log_flush_interval); remote',
  'runs as the server receives them. -f is --follow here, so write --format in full.',
].join('\n')

/** Parses a positive number of seconds into ms. */
function secondsOption(ctx: CommandContext, name: string): number | undefined {
  const raw = ctx.values[name]
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!(n > 0 && n < Infinity)) {
    throw new UsageError(`--${name} must be a positive number of seconds, got "${raw}"`)
  }
  return n * 1000
}

/** The follow selection of a command, or undefined without `-f`; `-f csv` (the old short --format) is refused. */
export function followSelection(
  ctx: CommandContext,
  command: string,
  messages: string[],
): FollowSelection | undefined {
  const idleTimeoutMs = secondsOption(ctx, 'idle-timeout')
  const flush = ctx.values['flush-interval']
  if (ctx.values.follow !== true) {
    if (idleTimeoutMs !== undefined || flush !== undefined) {
      throw new UsageError('--idle-timeout and --flush-interval apply with -f/--follow', command)
    }
    return undefined
  }
  const extra = ctx.positionals[1]
  if (extra !== undefined && EXPORT_FORMATS.includes(extra as ExportFormat)) {
    throw new UsageError(
      `-f means --follow in wbx ${command}; to choose the format write --format ${extra}`,
      command,
    )
  }
  return { idleTimeoutMs, onEnd: (message) => messages.push(message) }
}

/** Where {@linkcode endOnIdle} puts the idle error it swallowed. */
export interface IdleOutcome {
  error?: FollowIdleError
}

/** Passes batches through, closing the stream (instead of failing it) on a FollowIdleError. */
export function endOnIdle<T>(stream: ReadableStream<T>, outcome: IdleOutcome): ReadableStream<T> {
  const reader = stream.getReader()
  return new ReadableStream<T>({
    async pull(c) {
      try {
        const { done, value } = await reader.read()
        if (done) c.close()
        else c.enqueue(value)
      } catch (err) {
        if (!(err instanceof FollowIdleError)) throw err
        outcome.error = err
        c.close()
      }
    },
    cancel(reason) {
      return reader.cancel(reason)
    },
  }, { highWaterMark: 0 })
}

/** Reports the end of following on stderr and gives the exit status. */
export function finishFollow(
  ctx: CommandContext,
  messages: string[],
  outcome: IdleOutcome,
): number {
  for (const m of messages) ctx.io.stderr(`wbx: ${m}\n`)
  if (!outcome.error) return 0
  ctx.io.stderr(`wbx: ${outcome.error.message}\n`)
  return EXIT_STALLED
}

/** One command's `--follow`: its selection, and the idle ending and report that go with it. */
export interface Following {
  /** The selection to hand the RunSource, or undefined without `-f`. */
  readonly selection: FollowSelection | undefined
  /** Where an idle error ending the output is kept (a read may also fail with one before streaming). */
  readonly outcome: IdleOutcome
  /** With `-f`, the stream ended cleanly on the idle timeout ({@linkcode endOnIdle}); else the stream itself. */
  endOnIdle<T>(stream: ReadableStream<T>): ReadableStream<T>
  /** With `-f`, reports the end of following on stderr and gives the exit status ({@linkcode finishFollow}); else 0. */
  finish(): number
}

/** Starts a command's following: parses `-f`, `--idle-timeout` and `--flush-interval` ({@linkcode followSelection}). */
export function startFollowing(ctx: CommandContext, command: string): Following {
  const messages: string[] = []
  const outcome: IdleOutcome = {}
  const selection = followSelection(ctx, command, messages)
  return {
    selection,
    outcome,
    endOnIdle: (stream) => (selection ? endOnIdle(stream, outcome) : stream),
    finish: () => (selection ? finishFollow(ctx, messages, outcome) : 0),
  }
}

/** The Parquet flush interval of a followed export, in ms. */
export function flushIntervalMs(ctx: CommandContext): number {
  return secondsOption(ctx, 'flush-interval') ?? 10_000
}

/**
 * Regroups batches so that one comes out per `intervalMs` (or when `maxRows` are held), for
 * one Parquet row group per flush interval; what is held comes out at the end.
 */
export function batchesPerInterval(
  intervalMs: number,
  maxRows = 100_000,
): TransformStream<Row[], Row[]> {
  let held: Row[] = []
  let timer: ReturnType<typeof setTimeout> | undefined
  let out: TransformStreamDefaultController<Row[]> | undefined
  const release = () => {
    clearTimeout(timer)
    timer = undefined
    if (held.length === 0) return
    out?.enqueue(held)
    held = []
  }
  return new TransformStream<Row[], Row[]>({
    start(c) {
      out = c
    },
    transform(batch) {
      for (const row of batch) held.push(row)
      if (held.length >= maxRows) release()
      else timer ??= setTimeout(release, intervalMs)
    },
    flush() {
      release()
    },
  })
}

/**
 * Fixes CSV columns for a followed export without `columns`: the keys of the first batch
 * (flattened as CSV flattens), `_step` first. Keys that show up later are dropped and named
 * once on stderr.
 */
export function firstBatchColumns(
  rows: ReadableStream<Row[]>,
  flatten: boolean,
  warn: (text: string) => void,
): Promise<{ columns: string[]; rows: ReadableStream<Row[]> }> {
  const reader = rows.getReader()
  const seen = new Set<string>()
  const dropped = new Set<string>()
  const keysOf = (row: Row) => Object.keys(flatten ? flattenRow(row) : row)
  return reader.read().then(({ done, value }) => {
    const first = done ? [] : value
    for (const row of first) for (const k of keysOf(row)) seen.add(k)
    const columns = seen.has('_step')
      ? ['_step', ...[...seen].filter((k) => k !== '_step')]
      : [...seen]
    let pending: Row[] | undefined = first.length ? first : undefined
    const stream = new ReadableStream<Row[]>({
      async pull(c) {
        if (pending) {
          c.enqueue(pending)
          pending = undefined
          return
        }
        const next = done ? { done: true as const, value: undefined } : await reader.read()
        if (next.done) {
          if (dropped.size) {
            warn(
              `CSV columns were fixed by the first rows while following; these keys came later and were left out: ${
                [...dropped].join(', ')
              } (pass --keys, or use NDJSON)`,
            )
          }
          c.close()
          return
        }
        for (const row of next.value) {
          for (const k of keysOf(row)) if (!seen.has(k)) dropped.add(k)
        }
        c.enqueue(next.value)
      },
      cancel(reason) {
        return reader.cancel(reason)
      },
    }, { highWaterMark: 0 })
    return { columns, rows: stream }
  })
}
