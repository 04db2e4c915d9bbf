/**
 * What a worker thread of a `ParquetWorkers` pool (`parquet_workers.ts`) does: it encodes the row groups the
 * main thread posts ({@linkcode GroupJob}) and posts back their bytes and column chunk metadata,
 * runs the tasks its entry module registers, and collects its own heap's garbage when the main
 * thread's memory watch asks. Each file keeps its own compressor here, as it would on the main
 * thread, so the bytes do not depend on which thread encoded them.
 *
 * @module
 */
import { collectGarbage, parentThread } from '../runtime.ts'
import { type CodecSetup, codecSetup } from './parquet_codec.ts'
import { groupColumns, type GroupJob, jobBuffers } from './parquet_group_job.ts'
import { encodeGroupBytes } from './parquet_row_group.ts'

/** A task a worker runs for `ParquetWorkers.call`: its answer and the buffers to move with it. */
export type WorkerTask = (
  payload: unknown,
) => Promise<{ value: unknown; transfer: ArrayBuffer[] }> | {
  value: unknown
  transfer: ArrayBuffer[]
}

/** A message from the main thread: a job, a task, the end of a file, or a request to collect garbage. */
type Request =
  | { id: number; job: GroupJob }
  | { id: number; task: string; payload: unknown }
  | { release: number }
  | { collect: number }

/** Serves the main thread from this worker thread: encoding, and `tasks` by name. */
export function serveParquetWorker(tasks: Record<string, WorkerTask>): void {
  const port = parentThread()
  if (!port) throw new Error('a parquet worker entry runs only as a worker thread')
  const codecs = new Map<number, CodecSetup>()

  /** Answers one request (or forgets a finished file). */
  const handle = async (request: Request): Promise<void> => {
    if ('release' in request) {
      codecs.delete(request.release)
      return
    }
    if ('collect' in request) {
      port.post({ collect: request.collect, collected: collectGarbage() })
      return
    }
    const { id } = request
    try {
      if ('task' in request) {
        const task = Object.hasOwn(tasks, request.task) ? tasks[request.task] : undefined
        if (!task) throw new Error(`this worker has no task named '${request.task}'`)
        const { value, transfer } = await task(request.payload)
        port.post({ id, value }, transfer)
        return
      }
      const { job } = request
      let codec = codecs.get(job.file)
      if (!codec) codecs.set(job.file, codec = codecSetup(job.codecName))
      await codec.ready
      const { bytes, results } = encodeGroupBytes(
        {
          schema: job.schema,
          codec: codec.codec,
          compressors: codec.compressors,
          statistics: job.statistics,
          statisticsTruncateLength: job.statisticsTruncateLength,
        },
        groupColumns(job),
        job.rows,
        job.offset,
      )
      // The bytes go as their bare buffer (see parquet_group_job.ts), which is theirs alone; the
      // main thread's own number storage, when it was moved here, goes back for its next group.
      const buffer = bytes.buffer as ArrayBuffer
      const returned = jobBuffers(job)
      port.post(
        { id, buffer, offset: bytes.byteOffset, length: bytes.byteLength, results, returned },
        [buffer, ...returned],
      )
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err))
      port.post({ id, error: { name: error.name, message: error.message } })
    }
  }

  port.onMessage((message) => void handle(message as Request))
  port.post({ ready: true })
}
