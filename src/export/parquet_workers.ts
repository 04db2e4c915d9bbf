/**
 * A pool of worker threads that encode Parquet row groups, so a bulk export's encoding and
 * compression run on every core while the main thread reads, schedules and writes; a pool started
 * from another entry module also runs that module's tasks ({@linkcode ParquetWorkers.call}: the
 * bulk export can decode history exports there). Each file sticks to one worker (its compressor
 * lives there); a new file goes to the worker with the fewest open files. A group's number columns are copied once into buffers that move to the
 * worker (`parquet_group_job.ts`), and its bytes come back the same way. A worker that stops
 * (crashes, or {@linkcode ParquetWorkers.stopWorker}) fails the files it was encoding; later files
 * go to the other workers or, with none left, are encoded on the calling thread. Workers do not
 * keep the process alive while idle.
 *
 * @module
 */
import { startWorker, type WorkerThread } from '../runtime.ts'
import { type CodecSetup, codecSetup } from './parquet_codec.ts'
import type { GroupColumn } from './parquet_group.ts'
import { type GroupJob, jobColumns, ownColumns } from './parquet_group_job.ts'
import { giveBack } from './buffer_pool.ts'
import type { ChunkResult } from './parquet_numeric.ts'
import { encodeGroupBytes, type GroupEncoder, type GroupSetup } from './parquet_row_group.ts'

/** Options of {@linkcode ParquetWorkers.start}. */
export interface ParquetWorkersOptions {
  /** Longest wait for the workers to start, in ms. @default 20000 */
  startTimeoutMs?: number
  /**
   * Longest time a worker with jobs waiting may go without answering any, in ms; a worker that
   * does is stopped (its files fail, later ones go elsewhere). @default 120000
   */
  stallTimeoutMs?: number
  /**
   * The workers' entry module: one that serves encoding (`serveParquetWorker`) and possibly tasks
   * of its own. @default `parquet_group_worker.ts` (encoding only)
   */
  entry?: URL
}

/** What a worker answers for a job. */
type Answer = {
  id?: number
  /** Set in the answer to a request to collect garbage: its number, and whether it could. */
  collect?: number
  collected?: boolean
  /** The group's bytes: `length` bytes from `offset` of `buffer`. */
  buffer?: ArrayBuffer
  offset?: number
  length?: number
  results?: ChunkResult[]
  /** The job's moved number storage, back for the writer's pool. */
  returned?: ArrayBuffer[]
  /** A task's answer. */
  value?: unknown
  error?: { name: string; message: string }
}

/** A job waiting for its answer. */
interface Pending {
  /** What the job does, for its error message (`parquet encoder`, or the task's name). */
  what: string
  resolve: (answer: Answer) => void
  reject: (err: Error) => void
}

/** One worker thread and what it is doing. */
class Lane {
  readonly thread: WorkerThread
  readonly pending = new Map<number, Pending>()
  /** Requests to collect garbage waiting for their answer, by number. */
  readonly collects = new Map<number, (collected: boolean) => void>()
  files = 0
  groups = 0
  tasks = 0
  failed: Error | undefined
  /** When the worker last answered, or was given work while idle (ms, `performance.now()`). */
  lastProgress = 0

  /** Wraps a started thread; answers settle their jobs, an exit fails the rest. */
  constructor(thread: WorkerThread) {
    this.thread = thread
    thread.onMessage((message) => {
      const answer = message as Answer
      if (answer.collect !== undefined) {
        this.collects.get(answer.collect)?.(answer.collected === true)
        this.collects.delete(answer.collect)
        this.release()
        return
      }
      const job = this.pending.get(answer.id!)
      if (!job) return
      this.lastProgress = performance.now()
      this.pending.delete(answer.id!)
      this.release()
      if (answer.error) {
        const err = new Error(`${job.what} worker: ${answer.error.message}`)
        err.name = answer.error.name
        job.reject(err)
      } else job.resolve(answer)
    })
    thread.onExit((error) => this.stopped(error))
  }

  /** Lets the process exit once nothing is waiting for this worker. */
  release(): void {
    if (this.pending.size === 0 && this.collects.size === 0) this.thread.keepAlive(false)
  }

  /** Fails the waiting jobs and every later one of this worker's files. */
  stopped(error: Error): void {
    this.failed ??= new Error(
      `parquet encoder worker stopped (${error.message}); run again with --workers 0 to encode on the main thread`,
    )
    for (const job of this.pending.values()) job.reject(this.failed)
    this.pending.clear()
    for (const answer of this.collects.values()) answer(false)
    this.collects.clear()
  }
}

/** Worker threads that encode Parquet row groups (a {@linkcode GroupEncoder}). */
export class ParquetWorkers implements GroupEncoder {
  readonly #lanes: Lane[]
  readonly #stallMs: number
  #watch: ReturnType<typeof setInterval> | undefined
  readonly #files = new WeakMap<object, { lane?: Lane; codec?: CodecSetup; id: number }>()
  #closed: Error | undefined
  #nextFile = 1
  #nextJob = 1

  /** Use {@linkcode ParquetWorkers.start}. */
  private constructor(lanes: Lane[], stallMs: number) {
    this.#lanes = lanes
    this.#stallMs = stallMs
    this.#watch = setInterval(() => this.#stopStalled(), Math.max(1, Math.min(10_000, stallMs / 2))) // deno-lint-ignore no-explicit-any
    ;(this.#watch as any).unref?.()
  }

  /** Stops every worker that has jobs waiting and has not answered for `stallTimeoutMs`. */
  #stopStalled(): void {
    const now = performance.now()
    for (const lane of this.#lanes) {
      if (lane.failed || lane.pending.size === 0 || now - lane.lastProgress < this.#stallMs) {
        continue
      }
      lane.stopped(new Error(`no answer for ${this.#stallMs} ms`))
      lane.thread.terminate().catch(() => {})
    }
  }

  /** Starts `count` workers and waits until each is ready; rejects (stopping them) if one is not. */
  static async start(count: number, options: ParquetWorkersOptions = {}): Promise<ParquetWorkers> {
    if (!Number.isInteger(count) || count < 1) {
      throw new RangeError(`Cannot start ${count} encoder workers: use a whole number >= 1`)
    }
    const url = options.entry ?? new URL('./parquet_group_worker.ts', import.meta.url)
    const threads: WorkerThread[] = []
    const timeout = options.startTimeoutMs ?? 20_000
    try {
      await Promise.all(Array.from({ length: count }, () =>
        new Promise<void>((resolve, reject) => {
          const thread = startWorker(url)
          threads.push(thread)
          thread.keepAlive(true)
          const timer = setTimeout(
            () => reject(new Error(`the encoder worker did not start within ${timeout} ms`)),
            timeout,
          )
          let ready = false
          thread.onMessage(() => {
            if (ready) return
            ready = true
            clearTimeout(timer)
            thread.keepAlive(false)
            resolve()
          })
          thread.onExit((error) => {
            clearTimeout(timer)
            reject(new Error(`the encoder worker did not start: ${error.message}`))
          })
        })))
    } catch (err) {
      await Promise.all(threads.map((t) => t.terminate().catch(() => {})))
      throw err
    }
    const stallMs = options.stallTimeoutMs ?? 120_000
    if (!(stallMs > 0)) {
      await Promise.all(threads.map((t) => t.terminate().catch(() => {})))
      throw new RangeError(
        `Cannot watch encoder workers with stallTimeoutMs ${stallMs}: use a positive number`,
      )
    }
    return new ParquetWorkers(threads.map((thread) => new Lane(thread)), stallMs)
  }

  /** Workers in the pool. */
  get size(): number {
    return this.#lanes.length
  }

  /** Row groups the workers have encoded so far (tasks of {@linkcode ParquetWorkers.call} not counted). */
  get groups(): number {
    return this.#lanes.reduce((sum, lane) => sum + lane.groups, 0)
  }

  /** Tasks the workers have answered so far ({@linkcode ParquetWorkers.call}). */
  get tasks(): number {
    return this.#lanes.reduce((sum, lane) => sum + lane.tasks, 0)
  }

  /**
   * Encodes a row group of `file` on its worker (here, from a copy, when no worker is left); the
   * columns are read before it returns. With `move`, number storage that spans whole buffers goes
   * to the worker as it is (the caller's arrays are left detached) and comes back with the answer
   * into this thread's writer pool (`buffer_pool.ts`), instead of being copied.
   */
  encode(
    file: object,
    setup: GroupSetup,
    codecName: string,
    columns: readonly GroupColumn[],
    rows: number,
    offset: number,
    move = false,
  ): Promise<{ bytes: Uint8Array; results: ChunkResult[] }> {
    if (this.#closed) return Promise.reject(this.#closed)
    let entry = this.#files.get(file)
    if (!entry) {
      const live = this.#lanes.filter((lane) => !lane.failed)
      const lane = live.length ? live.reduce((a, b) => (b.files < a.files ? b : a)) : undefined
      if (lane) lane.files++
      entry = { lane, id: this.#nextFile++, codec: lane ? undefined : codecSetup(codecName) }
      this.#files.set(file, entry)
    }
    const { lane, id, codec } = entry
    if (!lane) return encodeHere(codec!, setup, ownColumns(columns, rows), rows, offset)
    if (lane.failed) return Promise.reject(lane.failed)
    const { columns: jobCols, transfer, moved } = jobColumns(columns, rows, move)
    const job: GroupJob = {
      file: id,
      codecName,
      schema: setup.schema,
      statistics: setup.statistics,
      statisticsTruncateLength: setup.statisticsTruncateLength,
      rows,
      offset,
      columns: jobCols,
      returns: moved,
    }
    return this.#post(lane, 'parquet encoder', { job }, transfer).then((answer) => {
      lane.groups++
      for (const buffer of answer.returned ?? []) giveBack(buffer)
      const bytes = new Uint8Array(answer.buffer!, answer.offset, answer.length)
      return { bytes, results: answer.results! }
    })
  }

  /**
   * Runs `task` of the workers' entry module on the live worker with the fewest jobs waiting,
   * moving the `transfer` buffers; resolves with the task's answer. Undefined when no worker is
   * left (the caller does the work itself).
   */
  call(task: string, payload: unknown, transfer: ArrayBuffer[] = []): Promise<unknown> | undefined {
    if (this.#closed) return undefined
    const live = this.#lanes.filter((lane) => !lane.failed)
    if (live.length === 0) return undefined
    const lane = live.reduce((a, b) => (b.pending.size < a.pending.size ? b : a))
    return this.#post(lane, task, { task, payload }, transfer).then((answer) => {
      lane.tasks++
      return answer.value
    })
  }

  /** Posts a request to `lane` and waits for its answer. */
  #post(
    lane: Lane,
    what: string,
    request: Record<string, unknown>,
    transfer: ArrayBuffer[],
  ): Promise<Answer> {
    const id = this.#nextJob++
    return new Promise((resolve, reject) => {
      if (lane.pending.size === 0) lane.lastProgress = performance.now()
      lane.pending.set(id, { what, resolve, reject })
      lane.thread.keepAlive(true)
      try {
        lane.thread.post({ id, ...request }, transfer)
      } catch (err) {
        // A message that cannot be sent (not cloneable) fails alone; the worker waits for nothing.
        lane.pending.delete(id)
        lane.release()
        reject(err)
      }
    })
  }

  /**
   * Asks every live worker to collect its heap's garbage (the memory watch's collection covers
   * the main thread's heap only); resolves with how many did. A worker busy with a group collects
   * after it.
   */
  collectGarbage(): Promise<number> {
    const live = this.#closed ? [] : this.#lanes.filter((lane) => !lane.failed)
    return Promise.all(live.map((lane) =>
      new Promise<boolean>((resolve) => {
        const id = this.#nextJob++
        lane.collects.set(id, resolve)
        lane.thread.keepAlive(true)
        lane.thread.post({ collect: id })
      })
    )).then((done) => done.filter(Boolean).length)
  }

  /** Forgets a finished (or abandoned) file: its worker drops the file's compressor. */
  release(file: object): void {
    const entry = this.#files.get(file)
    if (!entry) return
    this.#files.delete(file)
    const lane = entry.lane
    if (!lane) return
    lane.files--
    if (!lane.failed) lane.thread.post({ release: entry.id })
  }

  /** Stops one worker, as a crash would: its files fail, later ones go elsewhere. */
  async stopWorker(index: number): Promise<void> {
    const lane = this.#lanes[index]
    if (!lane) {
      throw new RangeError(`Cannot stop encoder worker ${index}: the pool has ${this.size}`)
    }
    await lane.thread.terminate()
    lane.stopped(new Error('stopped'))
  }

  /** Stops every worker; jobs still waiting fail. */
  async close(): Promise<void> {
    this.#closed = new Error('parquet encoder workers were closed')
    clearInterval(this.#watch)
    await Promise.all(this.#lanes.map((lane) => lane.thread.terminate().catch(() => {})))
    const closed = this.#closed
    for (const lane of this.#lanes) {
      lane.failed ??= closed
      for (const job of lane.pending.values()) job.reject(closed)
      lane.pending.clear()
      for (const answer of lane.collects.values()) answer(false)
      lane.collects.clear()
    }
  }
}

/** Encodes a group on the calling thread with the file's own compressor (no worker left). */
async function encodeHere(
  codec: CodecSetup,
  setup: GroupSetup,
  columns: readonly GroupColumn[],
  rows: number,
  offset: number,
): Promise<{ bytes: Uint8Array; results: ChunkResult[] }> {
  await codec.ready
  return encodeGroupBytes(
    { ...setup, codec: codec.codec, compressors: codec.compressors },
    columns,
    rows,
    offset,
  )
}
