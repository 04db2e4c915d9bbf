/**
 * A row group's columns as a message to an encoder worker: number columns are copied out of the
 * builder's reused storage into buffers of their own, which are transferred (not copied again);
 * strings, booleans and JSON bytes go by structured clone. The worker turns the job back into
 * {@linkcode GroupColumn}s and encodes them as the main thread would.
 *
 * Messages carry bare ArrayBuffers, not typed arrays: Deno's `node:worker_threads` walks every
 * message it delivers, property by property, looking for ports to patch, and a typed array's
 * properties are its elements (a job's 10,000-row group was 210,000 of them, and its answer's
 * bytes one per byte), while an ArrayBuffer has none.
 *
 * @module
 */
import type { SchemaElement } from 'hyparquet'
import type { GroupColumn } from './parquet_group.ts'
import { type NumericData, numericValues } from './parquet_numeric.ts'

/** A number column's storage as it crosses threads: the buffers of {@linkcode NumericData}. */
export interface JobNumeric {
  /** The values' buffer (a Float64Array's, `length` long). */
  nums: ArrayBuffer
  /** The set flags' buffer (a Uint8Array's, `length` long). */
  flags: ArrayBuffer
  /** Rows. */
  length: number
  /** INT64 rather than DOUBLE. */
  int: boolean
}

/** One column of a job: typed number storage, or plain values. */
export interface JobColumn {
  /** Column name. */
  name: string
  /** Statistics switch, as on the GroupColumn. */
  statistics?: boolean
  /** Number storage (its buffers are the job's own). */
  numeric?: JobNumeric
  /** Other values. */
  data?: ArrayLike<unknown>
}

/** A row group for a worker to encode. */
export interface GroupJob {
  /** The file, as the pool numbers it (the worker keeps one compressor per file). */
  file: number
  /** Codec option name (`snappy`, `zstd`, ...), for the worker's own compressor. */
  codecName: string
  /** The file's schema. */
  schema: SchemaElement[]
  /** Statistics by default. */
  statistics: boolean
  /** hyparquet-writer's statistics truncation. */
  statisticsTruncateLength?: number
  /** Rows in the group. */
  rows: number
  /** File offset of the group's first byte. */
  offset: number
  /** Columns, in schema order. */
  columns: JobColumn[]
  /** The number buffers are the caller's own storage, moved: the worker sends them back. */
  returns?: boolean
}

/**
 * The job's columns and the buffers to transfer with it. With `move`, number storage that spans
 * whole buffers goes as those buffers (the caller's arrays are detached, `moved` says so) instead
 * of copies; other storage is copied.
 */
export function jobColumns(
  columns: readonly GroupColumn[],
  rows: number,
  move = false,
): { columns: JobColumn[]; transfer: ArrayBuffer[]; moved: boolean } {
  const transfer: ArrayBuffer[] = []
  let moved = false
  const out = columns.map((column): JobColumn => {
    const { name, statistics, numeric } = column
    if (numeric && numeric.length === rows) {
      const whole = move && wholeBuffer(numeric.nums) && wholeBuffer(numeric.flags)
      const own = (view: Float64Array | Uint8Array): ArrayBuffer =>
        (whole ? view.buffer : view.slice(0, rows).buffer) as ArrayBuffer
      const nums = own(numeric.nums)
      const flags = own(numeric.flags)
      moved ||= whole
      transfer.push(nums, flags)
      return { name, statistics, numeric: { nums, flags, length: rows, int: numeric.int } }
    }
    return { name, statistics, data: column.data }
  })
  return { columns: out, transfer, moved }
}

/** Whether a typed array views the whole of an ArrayBuffer (which can then be moved). */
function wholeBuffer(view: ArrayBufferView): boolean {
  return view.buffer instanceof ArrayBuffer && !view.buffer.resizable && view.byteOffset === 0 &&
    view.byteLength === view.buffer.byteLength
}

/** The number buffers of a job, which a worker sends back when the job `returns` them. */
export function jobBuffers(job: GroupJob): ArrayBuffer[] {
  if (!job.returns) return []
  return job.columns.flatMap((column) =>
    column.numeric ? [column.numeric.nums, column.numeric.flags] : []
  )
}

/** The GroupColumns a job describes (number columns build their plain values only if asked). */
export function groupColumns(job: GroupJob): GroupColumn[] {
  return job.columns.map((column): GroupColumn => {
    const { name, statistics } = column
    if (!column.numeric) return { name, statistics, data: column.data! }
    const { length, int } = column.numeric
    const numeric: NumericData = {
      nums: new Float64Array(column.numeric.nums, 0, length),
      flags: new Uint8Array(column.numeric.flags, 0, length),
      length,
      int,
    }
    let data: ArrayLike<unknown> | undefined
    return {
      name,
      statistics,
      numeric,
      get data() {
        return data ??= numericValues(numeric)
      },
    }
  })
}

/**
 * The columns copied out of the builder's reused storage, for encoding later on this thread (no
 * worker left): number storage sliced, other values in arrays of their own.
 */
export function ownColumns(columns: readonly GroupColumn[], rows: number): GroupColumn[] {
  const own = jobColumns(columns, rows).columns.map((column): JobColumn =>
    column.data ? { ...column, data: Array.prototype.slice.call(column.data, 0, rows) } : column
  )
  return groupColumns({ columns: own } as GroupJob)
}
