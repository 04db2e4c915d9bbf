/**
 * The bulk export's worker entry: a `ParquetWorkers` thread that encodes Parquet row groups
 * (`export/parquet_worker_serve.ts`) and decodes remote runs' history export row groups
 * (`api/history/group_decode_job.ts`), so the main thread schedules and writes.
 *
 * @module
 */
import { DECODE_TASK, decodeGroupTask } from '../api/history/group_decode_job.ts'
import { serveParquetWorker } from '../export/parquet_worker_serve.ts'

serveParquetWorker({ [DECODE_TASK]: decodeGroupTask })
