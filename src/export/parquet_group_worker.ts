/**
 * The encoder worker's entry module: it encodes the row groups the main thread posts
 * ({@linkcode GroupJob}) and posts back their bytes and column chunk metadata, and collects its
 * own heap's garbage when the main thread's memory watch asks. Each file keeps its own compressor
 * here, as it would on the main thread, so the bytes do not depend on which thread encoded them.
 *
 * @module
 */
import { collectGarbage, parentThread } from '../runtime.ts'
import { type CodecSetup, codecSetup } from './parquet_codec.ts'
import { groupColumns, type GroupJob } from './parquet_group_job.ts'
import { encodeGroupBytes } from './parquet_row_group.ts'

/** A message from the main thread: a job, the end of a file, or a request to collect garbage. */
type Request = { id: number; job: GroupJob } | { release: number } | { collect: number }

const port = parentThread()
if (!port) throw new Error('parquet_group_worker.ts runs only as a worker thread')
const codecs = new Map<number, CodecSetup>()

port.onMessage((message) => void handle(message as Request))
port.post({ ready: true })

/** Encodes one job (or forgets a finished file) and answers. */
async function handle(request: Request): Promise<void> {
  if ('release' in request) {
    codecs.delete(request.release)
    return
  }
  if ('collect' in request) {
    port!.post({ collect: request.collect, collected: collectGarbage() })
    return
  }
  const { id, job } = request
  try {
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
    // The bytes go as their bare buffer (see parquet_group_job.ts), which is theirs alone.
    const buffer = bytes.buffer as ArrayBuffer
    port!.post({ id, buffer, offset: bytes.byteOffset, length: bytes.byteLength, results }, [
      buffer,
    ])
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err))
    port!.post({ id, error: { name: error.name, message: error.message } })
  }
}
