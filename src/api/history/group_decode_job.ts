/**
 * Decoding an export row group on another thread (a bulk export's workers, so the main thread
 * schedules and writes while every core decodes and encodes). The main thread sends the bytes of
 * the group's chosen columns (the span it fetched, moved, not copied), the file's schema and the
 * group's metadata; the worker decodes them with `decodeColumns`, as the main thread would, and
 * answers with the columns: typed arrays as bare buffers it gives up, other values by structured
 * clone. The pooled buffers of dense DOUBLE columns (`decoded_columns.ts`) go back to the workers
 * with later jobs once every holder on the main thread has let go, so the workers' pools are
 * reused as a single thread's would be.
 *
 * @module
 */
import type { AsyncBuffer, FileMetaData } from 'hyparquet'
import { COLUMN_POOL_BYTES, columnPool, GroupLease } from './decoded_columns.ts'
import { decodeColumns, type DecodedGroup } from './decode_group.ts'

/** The task name a worker entry registers {@linkcode decodeGroupTask} under. */
export const DECODE_TASK = 'decode-export-group'

/** Threads that run named tasks (a bulk export's `ParquetWorkers`). */
export interface DecodeThreads {
  /** Runs `task` on one of the threads; undefined when none is left. */
  call(task: string, payload: unknown, transfer?: ArrayBuffer[]): Promise<unknown> | undefined
}

/** The file a group is decoded from: its footer, top-level column names and size. */
export interface DecodeFile {
  /** Its decoded footer. */
  metadata: FileMetaData
  /** Its top-level column names, in schema order. */
  names: readonly string[]
  /** Its size in bytes. */
  byteLength: number
}

/** One row group to decode, as it crosses threads. */
interface DecodeJob {
  /** The file's footer without its row groups but this one. */
  metadata: FileMetaData
  names: readonly string[]
  columns: string[] | undefined
  byteLength: number
  /** File offset of `bytes`. */
  spanStart: number
  /** The bytes of the group's chosen columns. */
  bytes: ArrayBuffer
  /** Pooled column buffers the main thread let go of, for the worker's pool. */
  giveBack: ArrayBuffer[]
}

/** The typed arrays a decoded column may be, by name (they cross threads as bare buffers). */
const TYPED = {
  Float64Array,
  Float32Array,
  BigInt64Array,
  BigUint64Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
} as const

/** One decoded column as it crosses threads. */
type AnswerColumn =
  | { typed: keyof typeof TYPED; buffer: ArrayBuffer; length: number; pooled: boolean }
  | { values: ArrayLike<unknown> }

/** A decoded group as it crosses threads. */
interface DecodeAnswer {
  names: string[]
  columns: AnswerColumn[]
  length: number
}

/** Pooled buffers let go of on this thread, waiting to go back to a worker with the next job. */
const goingBack: ArrayBuffer[] = []
let goingBackBytes = 0

/** Queues a worker's pooled buffer to go back with the next job (beyond the pool's size, drops it). */
function returnToWorkers(buffer: ArrayBuffer): void {
  if (goingBackBytes + buffer.byteLength > COLUMN_POOL_BYTES) return
  goingBack.push(buffer)
  goingBackBytes += buffer.byteLength
}

/**
 * Decodes row group `index` of `file` (only `columns`, all when undefined) from `bytes`, its
 * chosen columns' bytes from file offset `spanStart` (which this call takes over), on one of
 * `threads`, or here when none is left.
 */
export async function decodeOnThreads(
  threads: DecodeThreads,
  file: DecodeFile,
  index: number,
  spanStart: number,
  bytes: ArrayBuffer,
  columns: string[] | undefined,
): Promise<DecodedGroup> {
  const giveBack = goingBack.splice(0)
  goingBackBytes = 0
  const rowGroup = file.metadata.row_groups[index]
  const job: DecodeJob = {
    metadata: { ...file.metadata, row_groups: [rowGroup], num_rows: rowGroup.num_rows },
    names: file.names,
    columns,
    byteLength: file.byteLength,
    spanStart,
    bytes,
    giveBack,
  }
  const answer = threads.call(DECODE_TASK, job, [bytes, ...giveBack])
  if (!answer) {
    for (const buffer of giveBack) columnPool.giveBack(buffer)
    return decodeJob(job)
  }
  return groupOf((await answer) as DecodeAnswer)
}

/** The worker's side: decodes a job and answers with its columns and the buffers to move. */
export async function decodeGroupTask(
  payload: unknown,
): Promise<{ value: DecodeAnswer; transfer: ArrayBuffer[] }> {
  const job = payload as DecodeJob
  for (const buffer of job.giveBack) columnPool.giveBack(buffer)
  const group = await decodeJob(job)
  const transfer = new Set<ArrayBuffer>()
  const pooled = new Set(group.lease?.buffers)
  const columns = group.data.map((data): AnswerColumn => {
    const typed = typedName(data)
    if (!typed) return { values: data }
    const view = data as ArrayBufferView & ArrayLike<unknown>
    let buffer = view.buffer as ArrayBuffer
    const whole = view.byteOffset === 0 && view.byteLength === buffer.byteLength
    if (!pooled.has(buffer) && (!whole || transfer.has(buffer))) {
      buffer = (view as Uint8Array).slice().buffer as ArrayBuffer
    }
    transfer.add(buffer)
    return { typed, buffer, length: view.length, pooled: pooled.has(buffer) }
  })
  return {
    value: { names: group.names, columns, length: group.length },
    transfer: [...transfer],
  }
}

/** Decodes a job on this thread, reading only from its bytes. */
function decodeJob(job: DecodeJob): Promise<DecodedGroup> {
  const { bytes, spanStart, byteLength } = job
  const file: AsyncBuffer = {
    byteLength,
    slice(start: number, end: number = byteLength): ArrayBuffer {
      if (start < spanStart || end > spanStart + bytes.byteLength) {
        throw new RangeError(
          `Cannot read bytes ${start}-${end} of a row group sent as bytes ${spanStart}-${
            spanStart + bytes.byteLength
          }`,
        )
      }
      return bytes.slice(start - spanStart, end - spanStart)
    },
  }
  const rows = Number(job.metadata.num_rows)
  return decodeColumns({ file, metadata: job.metadata, names: job.names }, 0, rows, job.columns)
}

/** A decoded group from a worker's answer; its pooled buffers go back to the workers. */
function groupOf(answer: DecodeAnswer): DecodedGroup {
  const pooled: ArrayBuffer[] = []
  const data = answer.columns.map((column) => {
    if ('values' in column) return column.values
    if (column.pooled) pooled.push(column.buffer)
    return new TYPED[column.typed](column.buffer, 0, column.length)
  })
  const lease = pooled.length > 0 ? new GroupLease(pooled, returnToWorkers) : undefined
  return { names: answer.names, data, length: answer.length, lease }
}

/** The name of the typed array `data` is, when it is one that crosses as a bare buffer. */
function typedName(data: unknown): keyof typeof TYPED | undefined {
  if (!ArrayBuffer.isView(data) || data instanceof DataView) return undefined
  const name = data.constructor.name
  return Object.hasOwn(TYPED, name) && data instanceof TYPED[name as keyof typeof TYPED]
    ? name as keyof typeof TYPED
    : undefined
}
