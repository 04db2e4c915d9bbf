/**
 * `exportProject`: a whole W&B project (or local `wandb/` folder) into a dataset folder, with a
 * worker pool across runs, one governed request budget, a durable manifest, crash-safe resume
 * and incremental sync. See `README.md` in this folder for the layout and the semantics.
 *
 * @module
 */
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { resolve } from 'node:path'
import { removeStaleTemps } from '../fs/stale_temps.ts'
import { Api } from '../api/api.ts'
import type { ApiOptions } from '../api/api_options.ts'
import type { ExportFormat } from '../export/mod.ts'
import { ParquetWorkers } from '../export/parquet_workers.ts'
import type { Row } from '../row.ts'
import {
  collectGarbage,
  isCompiledBinary,
  keepsFreedMemory,
  residentBytes,
  trimNativeHeap,
} from '../runtime.ts'
import { HistoryPrefetch } from './history_prefetch.ts'
import { LoopLag } from './loop_lag.ts'
import { ByteBudget } from './byte_budget.ts'
import { BulkProgress, type BulkProgressEvent, type ProgressSnapshot } from './bulk_progress.ts'
import type { BulkRun, BulkRunHandle, BulkSource } from './bulk_source.ts'
import { planExport } from './dry_run.ts'
import { exportRun } from './export_run.ts'
import { ExportState } from './export_state.ts'
import { Governor, type GovernorOptions, type PauseInfo } from './governor.ts'
import { DEFAULT_RETRY_POLICY } from '../http/retry_policy.ts'
import { runsTableName } from './layout.ts'
import { LocalBulkSource } from './local_bulk_source.ts'
import type { FailureRecord, Include, ManifestQuery } from './manifest.ts'
import { MemoryWatch, type MemoryWatchStats } from './memory_watch.ts'
import { type ExportPlan, planRun, type RunPlan, summarizePlan } from './plan.ts'
import { RemoteBulkSource } from './remote_bulk_source.ts'
import { matchesQuery, type RunQuery } from './run_query.ts'
import { runsTableRow, writeRunsTable } from './runs_table.ts'
import { formatShard } from './shard.ts'
import { unifyHistory } from './unify_history.ts'
import { runPool } from './work_pool.ts'
import { listFirst, ListingCount, startFeed } from './run_listing.ts'
import { linkedAbort } from '../linked_abort.ts'

/** Options of {@linkcode exportProject}. */
export interface BulkExportOptions {
  /** `entity/project` (or a project URL), a local `wandb/` folder, or a ready source. */
  source: string | BulkSource
  /** The export folder (created when missing). */
  out: string
  /** Client options for a remote source (its `fetch` is wrapped by the governor). @default from the environment */
  api?: ApiOptions
  /** Which runs. @default every run, in `+created_at` order */
  query?: RunQuery
  /** What to export besides the runs table. @default history and config/summary */
  include?: Partial<Include>
  /** Only these history keys. @default every key */
  keys?: string[]
  /** Table format. @default 'parquet' */
  format?: ExportFormat
  /**
   * Parquet codec. @default 'zstd' where `node:zlib` has zstd (Deno, Bun, Node ≥ 22.15), else
   * 'gzip': both give the same bytes for the same rows, which resume and verify rely on
   */
  codec?: string
  /** Most rows per history part file. @default 1000000 */
  partRows?: number
  /** SQL LIKE pattern for run files (`%.json`). @default every file */
  filePattern?: string
  /**
   * Most runs exported at once. A remote export starts few and lets the request governor's
   * limit set how many (more while answers stay healthy, half after a 429 or 5xx), up to this
   * ceiling; a local folder exports this many at once. @default 64 remote, 8 local
   */
  concurrency?: number
  /**
   * Bytes the runs in flight may hold together (row-group buffers and the rows and bodies read
   * for them, estimated per run from its row count): a run that does not fit waits, a run larger
   * than the whole budget runs alone. @default 150 MiB (96 MiB on Node) plus 64 MiB per encoder
   * worker beyond the first
   */
  memoryBytes?: number
  /**
   * Resident bytes of the process above which the export collects garbage (`memory_watch.ts`),
   * so what finished row groups leave behind does not pile up until the engine's own collector
   * runs; 0 never collects. @default the process's resident size when the export starts, plus
   * `memoryBytes`, plus 128 MiB (the listed runs, the manifest and room between collections)
   */
  residentBytes?: number
  /**
   * Worker threads that encode the Parquet history parts while the main thread reads and writes
   * (`src/export/parquet_workers.ts`); 0 encodes on the main thread. The bytes are the same
   * either way. @default one fewer than the cores (`os.availableParallelism()`), at most 16;
   * none in a `bun build --compile` binary
   */
  workers?: number
  /**
   * Whether the workers also decode remote runs' history exports, one row group ahead of the part
   * being written, so the main thread only schedules and writes. @default true with 3 or more
   * workers (4 cores by the default count), else false: see {@linkcode decodesOnWorkers}
   */
  decodeOnWorkers?: boolean
  /** Tries of a whole run before it is set aside (not HTTP retries: those are `api.retries`). @default 3 */
  attempts?: number
  /** Wait before a run's attempt n+1, in ms. @default 1000 · 2^(n-1), at most 30000 */
  retryDelayMs?: (attempt: number) => number
  /**
   * The request governor, or its options. @default a governor with maxConcurrency 2 × concurrency,
   * starting at 4 requests (and runs) in flight
   */
  governor?: Governor | GovernorOptions
  /**
   * Longest wait on the server for one run, in ms: each request's retry budget (the API's
   * `maxRetryTimeMs`, `Retry-After` included) and the time from a run's first failure to its
   * last attempt. A run that would wait longer is set aside. @default 120000
   */
  maxWaitPerRunMs?: number
  /**
   * Longest time `Retry-After` / `RateLimit-Reset` pauses may hold the whole export, in ms; once
   * spent, pauses are no longer honoured and runs still refused are set aside. @default 600000
   */
  maxWaitMs?: number
  /** Only plan: list the runs and estimate the work, writing nothing. @default false */
  dryRun?: boolean
  /** Least time between manifest rewrites, in ms. @default 5000 */
  checkpointMs?: number
  /** Runs per listing request (remote). @default 50 */
  perPage?: number
  /**
   * Called after each counted change (rows, bytes, a run done or set aside) and once at the end,
   * also on failure; the CLI draws its progress line from these. @default nobody listens
   */
  onProgress?: (event: BulkProgressEvent) => void
  /**
   * Where messages go (what a server asked for, ...), one line each without the newline.
   * @default silent
   */
  onNote?: (text: string) => void
  /** Cancels the export; progress so far stays on disk. */
  signal?: AbortSignal
}

/** What an export did. */
export interface BulkExportResult {
  /** The export folder (absolute). */
  out: string
  /** The plan (per-run actions and estimates). */
  plan: ExportPlan
  /** Whether this was a dry run. */
  dryRun: boolean
  /** Runs quarantined. */
  failures: FailureRecord[]
  /** Whether every selected run is complete. */
  complete: boolean
  /** Final progress counters. */
  progress: ProgressSnapshot
  /** The governor (remote sources), with its history. */
  governor: Governor | undefined
  /** The byte budget the runs reserved from (its `highWater` is the most reserved at once). */
  budget: ByteBudget
  /**
   * Worker threads used, the row groups they encoded, and the remote history export row groups
   * they decoded.
   */
  encoding: { workers: number; groups: number; decoded: number }
  /** The resident-memory watch: peak resident size read, and the collections it ran. */
  memory: MemoryWatchStats
}

/**
 * The Parquet codec of bulk exports. Not snappy: the shared WebAssembly snappy compressor keeps
 * its hash table between calls, so the same rows can compress to different bytes depending on
 * what was compressed before, and a resumed export would not be byte-identical.
 */
const DEFAULT_CODEC = 'zstd'

const DEFAULT_INCLUDE: Include = {
  history: true,
  system: false,
  configSummary: true,
  files: false,
  artifacts: false,
  logs: false,
}

/** What to export: the defaults when nothing is named, else exactly what is named. */
export function resolveInclude(include: Partial<Include> | undefined): Include {
  if (!include || !Object.values(include).some(Boolean)) return { ...DEFAULT_INCLUDE }
  return {
    history: include.history ?? false,
    system: include.system ?? false,
    configSummary: include.configSummary ?? false,
    files: include.files ?? false,
    artifacts: include.artifacts ?? false,
    logs: include.logs ?? false,
  }
}

/** Exports (or plans) a project into `options.out`; see the module docs. */
export async function exportProject(options: BulkExportOptions): Promise<BulkExportResult> {
  const include = resolveInclude(options.include)
  const format = options.format ?? 'parquet'
  const encoders = include.history && format === 'parquet' ? workerCount(options.workers) : 0
  const budget = new ByteBudget(options.memoryBytes ?? defaultMemoryBytes(encoders))
  const limit = options.residentBytes ?? residentBytes() + budget.total + EXPORT_RESIDENT_BYTES
  const started: StartedWorkers = {}
  // A collection covers the main thread's heap; the encoder workers collect theirs beside it.
  // What the collections free, glibc keeps in its heaps: a trim gives it back (Deno on Linux).
  const collect = (): boolean => {
    const collected = collectGarbage()
    trimNativeHeap()
    void started.workers?.collectGarbage().then(() => trimNativeHeap())
    return collected
  }
  const watch = limit > 0 ? new MemoryWatch({ limitBytes: limit, collect }).start() : undefined
  const lag = new LoopLag()
  lag.start()
  try {
    const result = await exportWith(options, lag, { include, format, encoders, budget, started })
    watch?.check()
    return { ...result, memory: { ...(watch?.stats ?? NO_WATCH) } }
  } finally {
    lag.stop()
    watch?.stop()
  }
}

/** What `exportProject` settles before the export: what, in which format, with which memory. */
interface ExportSetup {
  include: Include
  format: ExportFormat
  encoders: number
  budget: ByteBudget
  /** Set to the encoder workers once they run, for the memory watch. */
  started: StartedWorkers
}

/** The encoder workers of an export, once started. */
interface StartedWorkers {
  workers?: ParquetWorkers
}

/** The stats of an export that ran no memory watch. */
const NO_WATCH: MemoryWatchStats = { peakBytes: 0, collections: 0, collectMs: 0, trims: 0 }

/**
 * Resident bytes the default `residentBytes` allows an export beyond its byte budget: the listed
 * runs (about 20 MB of text for 5,000), the manifest, and room between two collections. From the
 * process's size at the start, so a process that holds other things does not collect at every
 * check; a `wbx export` starts at about 100 MB on Deno, so its limit is about 380 MB.
 */
const EXPORT_RESIDENT_BYTES = 128 * 1024 * 1024

/** The export, with the measure of the event loop's lag the governor consults. */
async function exportWith(
  options: BulkExportOptions,
  lag: LoopLag,
  setup: ExportSetup,
): Promise<Omit<BulkExportResult, 'memory'>> {
  const out = resolve(options.out)
  const signal = options.signal ?? new AbortController().signal
  const ceiling = options.concurrency
  const { include, format, encoders, budget } = setup
  const codec = options.codec ?? DEFAULT_CODEC
  const partRows = options.partRows ?? 1_000_000
  const query = options.query ?? {}
  const { source, governor } = await openSource(
    options,
    ceiling ?? DEFAULT_REMOTE_CONCURRENCY,
    () => lag.busy(),
  )
  const concurrency = ceiling ?? (governor ? DEFAULT_REMOTE_CONCURRENCY : DEFAULT_LOCAL_CONCURRENCY)
  const manifestQuery: ManifestQuery = {
    filters: query.filters ?? {},
    order: query.order || '+created_at',
    since: query.since ?? null,
    runs: query.runs ?? null,
    shard: formatShard(query.shard) ?? null,
    keys: options.keys ?? null,
    format,
    codec,
    partRows,
    include,
    filePattern: options.filePattern ?? null,
  }
  const progress = new BulkProgress({ onProgress: options.onProgress, governor })
  const note = options.onNote
  if (governor && note) governor.onPause = pauseNotes(note)
  if (options.dryRun) {
    const plan = await planExport(source, out, query, include, {
      keys: options.keys,
      filePattern: options.filePattern,
      concurrency,
      attempts: options.attempts,
      signal,
      listingRequests: () => governor?.stats.requests ?? 0,
    })
    return {
      out,
      plan,
      dryRun: true,
      failures: [],
      complete: false,
      progress: progress.snapshot(),
      governor,
      budget,
      encoding: { workers: 0, groups: 0, decoded: 0 },
    }
  }
  await mkdir(out, { recursive: true })
  // The tables' spool files live in the OS temp folder: clear what a killed export left there.
  await removeStaleTemps(tmpdir())
  const state = await ExportState.open({
    dir: out,
    shard: query.shard,
    source: source.description,
    query: manifestQuery,
    checkpointMs: options.checkpointMs,
  })
  const planned = new Map<string, RunPlan>()
  const runsRows = new Map<string, Row>()
  const selected = new Set<string>()
  let ended = false
  let workers: ParquetWorkers | undefined
  // Ends a listing still running when the export stops early.
  const listing = linkedAbort(signal)
  try {
    if (encoders > 0) setup.started.workers = workers = await startWorkers(encoders, note)
    // Runs opened while listing (a local folder's, for their keys), handed to their export.
    const opened = new Map<string, BulkRun>()
    // With --shard, the runs table's config/summary columns also come from every shard's runs.
    const others: Row[] = []
    // The remote runs whose planned action reads history, for the prefetch.
    const readers = new Set<string>()
    // Remote runs come loaded with the listing: the plan (and the ETA's row total) is free.
    const plan = (run: BulkRun): void => {
      const p = planRun(run, state.entry(run.id), include, { keys: options.keys, remote: true })
      planned.set(run.id, p)
      progress.plannedRows += p.rows
      const reads = p.action !== 'skip' && p.action !== 'refresh' && run.lastHistoryStep >= 0
      if (reads) readers.add(run.id)
    }
    const history = include.history && format !== 'ndjson'
    // With --shard, every shard's runs are listed: all shape the schema, this shard's are exported.
    const whole = { ...query, shard: undefined }
    const counting = new ListingCount(progress, !query.shard && query.since?.field !== 'updated')
    const listed = source.pages
      ? startFeed(source.pages(whole, listing.controller.signal, counting.declared), {
        history,
        previous: state.manifest.historySchema,
        keys: options.keys,
        selects: (run) => matchesQuery(whole, run),
        mine: query.shard ? (run) => matchesQuery(query, run) : undefined,
        onRun: (run) => {
          counting.listed()
          plan(run)
        },
        onOther: include.configSummary
          ? (run) => others.push({ config: run.config, summary: run.summary })
          : undefined,
      }, listing.controller.signal)
      : await listFirst(source, query, opened, {
        target: history || Boolean(query.shard && include.configSummary && format === 'parquet'),
        plan: source.remote ? plan : undefined,
        previous: state.manifest.historySchema,
        keys: options.keys,
        concurrency,
        signal,
        others: include.configSummary ? others : undefined,
      })
    if (listed.total !== undefined) progress.runsTotal = listed.total
    if (listed.feed) void listed.ended.then(() => counting.end())
    // Remote runs that will read history get their one API request sent ahead of their turn.
    const prefetch = source.remote && include.history
      ? new HistoryPrefetch(listed.handles, PREFETCH_AHEAD, {
        growing: listed.feed !== undefined,
        wanted: (h) => readers.has(h.id),
      })
      : undefined
    listed.feed?.onListed(() => prefetch?.listed(listed.feed!.ended))
    const prefetching = prefetch?.run(signal)
    try {
      await runPool<BulkRunHandle>(listed.feed ?? listed.handles, async (handle, runSignal) => {
        prefetch?.taken(handle.id)
        const memo = opened.get(handle.id)
        opened.delete(handle.id)
        const run = memo ?? await handle.open(runSignal)
        if (!matchesQuery(query, run)) {
          progress.runsTotal-- // a local run's update time is known only once it is open
          return
        }
        selected.add(run.id)
        runsRows.set(run.id, runsTableRow(run, include.configSummary))
        const outcome = await exportRun(run, {
          dir: out,
          state,
          include,
          format,
          codec,
          partRows,
          keys: options.keys,
          schema: history ? listed.schema() : undefined,
          filePattern: options.filePattern,
          budget,
          workers,
          decodeThreads: decodesOnWorkers(options.decodeOnWorkers, workers?.size ?? 0)
            ? workers
            : undefined,
          signal: runSignal,
          onRows: (n) => progress.addRows(n),
          onBytes: (n) => progress.addBytes(n),
        })
        // What was done: a rewound run found during the export shows as a rewrite, rows as written.
        const before = planned.get(run.id) ??
          { id: run.id, action: outcome.action, rows: 0, bytes: 0, requests: 0 }
        planned.set(run.id, { ...before, action: outcome.action, rows: outcome.rows })
        progress.runDone()
      }, {
        concurrency,
        slots: governor?.runs,
        attempts: options.attempts,
        retryDelayMs: options.retryDelayMs,
        maxWaitPerItemMs: options.maxWaitPerRunMs ?? DEFAULT_MAX_WAIT_PER_RUN_MS,
        signal,
        onRetry: () => progress.runRetries++,
        onQuarantine: async (handle, attempts, error) => {
          selected.add(handle.id)
          progress.runFailed()
          await state.fail({ runId: handle.id, attempts, error: errorText(error) })
        },
      })
    } finally {
      prefetch?.stop()
      await prefetching
      listing.controller.abort()
      await listed.ended
    }
    const target = history ? listed.finalSchema() : undefined
    if (target) {
      await unifyHistory(state, target, {
        dir: out,
        format,
        codec,
        signal,
        onBytes: (n) => progress.addBytes(n),
      })
    }
    const ids = [...selected]
    const table = await writeRunsTable(
      out,
      runsTableName(query.shard, format),
      ids.map((id) => runsRows.get(id) ?? { run_id: id }),
      { format, codec, configSummary: include.configSummary, columnsFrom: others, signal },
    )
    state.setSelection(ids, table)
    await state.finish(true)
    ended = true
  } finally {
    listing.unlink()
    if (!ended) await state.close().catch(() => {})
    await workers?.close()
    progress.finish()
  }
  return {
    out,
    plan: summarizePlan([...planned.values()], 0),
    dryRun: false,
    failures: [...state.manifest.failures],
    complete: state.manifest.complete,
    progress: progress.snapshot(),
    governor,
    budget,
    encoding: {
      workers: workers?.size ?? 0,
      groups: workers?.groups ?? 0,
      decoded: workers?.tasks ?? 0,
    },
  }
}

/** Opens the source named by the options (a folder that exists is local, else a project path). */
async function openSource(
  options: BulkExportOptions,
  concurrency: number,
  busy: () => boolean,
): Promise<{ source: BulkSource; governor: Governor | undefined }> {
  if (typeof options.source !== 'string') {
    const governor = options.governor instanceof Governor ? options.governor : undefined
    return { source: options.source, governor }
  }
  if (existsSync(options.source)) {
    return { source: await LocalBulkSource.open(options.source), governor: undefined }
  }
  const governor = options.governor instanceof Governor ? options.governor : new Governor({
    busy,
    maxConcurrency: Math.max(2, concurrency * 2),
    initialConcurrency: Math.min(INITIAL_CONCURRENCY, concurrency),
    fetch: options.api?.fetch,
    maxTotalPauseMs: options.maxWaitMs,
    ...options.governor,
  })
  const perRun = options.maxWaitPerRunMs ?? DEFAULT_MAX_WAIT_PER_RUN_MS
  const api = new Api({
    ...options.api,
    fetch: governor.fetch,
    maxRetryTimeMs: Math.min(
      options.api?.maxRetryTimeMs ?? DEFAULT_RETRY_POLICY.maxRetryTimeMs,
      perRun,
    ),
  })
  return {
    source: new RemoteBulkSource(api, options.source, { perPage: options.perPage }),
    governor,
  }
}

/**
 * Default ceiling of runs in flight for a remote source: at 100 ms per request W&B-like limits
 * of 10 to 50 requests/s are saturated by 1 to 5 runs, and a latency-bound server without a
 * limit gains little past about 64 (the measurements: -j 64 → 1.9 min, -j 128 → 1.7 min,
 * for 5,000 runs), while each run in flight costs memory (bounded by `memoryBytes`).
 */
const DEFAULT_REMOTE_CONCURRENCY = 64

/** Default runs at once for a local folder (read from disk by one thread: more only costs memory). */
const DEFAULT_LOCAL_CONCURRENCY = 8

/** Requests (and runs) in flight when a remote export starts: few, so a limit is found from below. */
const INITIAL_CONCURRENCY = 4

/** Remote runs asked for their history exports ahead of their turn (`history_prefetch.ts`). */
const PREFETCH_AHEAD = 16

/**
 * Default of `workers`: one fewer than the cores, at most 16 (none in a compiled binary), so the
 * main thread and the workers use every core. Measured on 2 cores at 5,000 runs (`bench/README.md`,
 * "Encoder workers on every core"): one worker made the export 1.5–4% faster on Deno, Bun and Node
 * for 2–16% more CPU, since Deno no longer walks each message element by element.
 */
export function defaultWorkers(): number {
  if (isCompiledBinary) return 0
  return Math.max(0, Math.min(16, availableParallelism() - 1))
}

/** Workers from which remote history exports are decoded on them by default. */
export const DECODE_ON_WORKERS_FROM = 3

/**
 * Whether an export with `workers` encoder workers decodes remote history exports on them: as
 * asked, else from {@linkcode DECODE_ON_WORKERS_FROM} workers up. On 2 cores (one worker) the
 * worker, busy encoding, was the limit, and decoding there made big runs' exports 16–32% slower;
 * the main thread was busy about half the time, so from 3 workers it is the limit and moving its
 * decoding off raises the ceiling (`bench/README.md`, "A file's next row group fills while a
 * worker encodes this one": a projection, since only 2 cores were at hand).
 */
export function decodesOnWorkers(asked: boolean | undefined, workers: number): boolean {
  if (workers === 0) return false
  return asked ?? workers >= DECODE_ON_WORKERS_FROM
}

/**
 * Default of `memoryBytes`: 150 MiB, and 64 MiB more per encoder worker beyond the first (about
 * what a 300k-row run of 20 metrics reserves), so each further worker can have a big run to
 * encode; 150 MiB already holds two such runs, and keeps one worker's export under 0.5 GB. Where
 * freed memory stays resident (`runtime.ts` `keepsFreedMemory`: Node), the process keeps the
 * high-water of what the budget let in, so the base is 96 MiB (`bench/README.md`, "Node's young
 * generation capped").
 */
export function defaultMemoryBytes(
  workers: number,
  keepsFreed: boolean = keepsFreedMemory(),
): number {
  return ((keepsFreed ? 96 : 150) + 64 * Math.max(0, workers - 1)) * 1024 * 1024
}

/** The encoder workers to start: `count`, checked, or the default. */
function workerCount(count: number | undefined): number {
  const n = count ?? defaultWorkers()
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`Cannot encode with ${n} workers: use a whole number >= 0`)
  }
  return n
}

/**
 * Starts `n` encoder workers, or none where they do not start (the export then encodes on the
 * main thread and says so).
 */
async function startWorkers(
  n: number,
  note: ((text: string) => void) | undefined,
): Promise<ParquetWorkers | undefined> {
  try {
    return await ParquetWorkers.start(n, { entry: new URL('./export_worker.ts', import.meta.url) })
  } catch (err) {
    note?.(`wbx: encoding on the main thread: ${err instanceof Error ? err.message : err}`)
    return undefined
  }
}

/** Default of `maxWaitPerRunMs`. */
const DEFAULT_MAX_WAIT_PER_RUN_MS = 120_000

/**
 * Says through `onNote` what a server asked for and what the export does: at most one
 * line per 10 s, plus one when the wait budget runs out.
 */
function pauseNotes(note: (text: string) => void): (info: PauseInfo) => void {
  let last = -Infinity
  let spentTold = false
  return (info) => {
    const now = Date.now()
    const spent = info.grantedMs === 0 && info.askedMs > 0
    if (spent ? spentTold : now - last < 10_000) return
    last = now
    const header = info.status >= 400 ? 'Retry-After' : 'RateLimit-Reset'
    const asked = `the server asked to wait ${
      seconds(info.askedMs)
    } (HTTP ${info.status} ${header})`
    if (spent) {
      spentTold = true
      note(
        `wbx: ${asked}; the export's wait budget of ${
          seconds(info.budgetMs)
        } is spent, so it no longer waits: runs still refused are set aside (--max-wait)`,
      )
    } else {
      note(
        `wbx: ${asked}; holding requests ${seconds(info.grantedMs)} (${
          seconds(info.spentMs)
        } of the export's ${seconds(info.budgetMs)} wait budget used)`,
      )
    }
  }
}

/** Milliseconds as whole seconds (`12 s`), or with a decimal under 10 s. */
function seconds(ms: number): string {
  const s = ms / 1000
  return `${s < 10 ? Math.round(s * 10) / 10 : Math.round(s)} s`
}

/** An error's message for the manifest. */
function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
