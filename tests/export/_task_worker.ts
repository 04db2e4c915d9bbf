/** A worker entry for tests: encodes like any pool's, and answers the tasks `echo` and `fail`. */
import { serveParquetWorker } from '../../src/export/parquet_worker_serve.ts'

serveParquetWorker({
  /** Answers with the payload and moves its `buffer` back. */
  echo: (payload) => {
    const { buffer } = payload as { buffer: ArrayBuffer }
    return { value: payload, transfer: [buffer] }
  },
  /** Fails as a task can. */
  fail: () => Promise.reject(new TypeError('the task failed on purpose')),
})
