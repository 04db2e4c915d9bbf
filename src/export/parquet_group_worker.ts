/**
 * The encoder worker's entry module: a `ParquetWorkers` thread that only encodes row
 * groups (`parquet_worker_serve.ts`).
 *
 * @module
 */
import { serveParquetWorker } from './parquet_worker_serve.ts'

serveParquetWorker({})
