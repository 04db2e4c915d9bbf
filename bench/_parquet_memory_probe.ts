/**
 * Where the memory of the typed single-run Parquet export goes as rows grow: exports `rows`
 * synthetic rows like `_parquet_memory_case.ts typed` and prints `process.memoryUsage()` every
 * 500k rows, before and after a forced collection (when the runtime exposes `gc`), so live data
 * can be told from heap the runtime keeps reserved.
 *
 * Usage: `node --expose-gc bench/_parquet_memory_probe.ts 5000000`
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { historyColumnSchema } from '../src/export/history_types.ts'
import { exportTypedToPath } from '../src/export/typed_export.ts'
import type { Row } from '../src/row.ts'
import { SYNTHETIC_COLUMNS, SYNTHETIC_TYPES, syntheticBatch } from './_export_rows.ts'

const total = Number(process.argv[2] ?? 1_000_000)
const dir = mkdtempSync(join(tmpdir(), 'wbx-bench-probe-'))
const gc = (globalThis as { gc?: () => void }).gc
const mb = (n: number) => (n / 2 ** 20).toFixed(0)
let produced = 0

/** One line of memory figures, before and after a collection. */
function report(): void {
  const a = process.memoryUsage()
  gc?.()
  const b = process.memoryUsage()
  console.log(
    `${produced} rows: rss ${mb(a.rss)} heap ${mb(a.heapUsed)}/${mb(a.heapTotal)} ` +
      `external ${mb(a.external)} | after gc: heap ${mb(b.heapUsed)} external ${
        mb(b.external)
      } rss ${mb(b.rss)} (MB)`,
  )
}

const source = () =>
  new ReadableStream<Row[]>({
    pull(controller) {
      if (produced >= total) return controller.close()
      if (produced % 500_000 === 0) report()
      const n = Math.min(1000, total - produced)
      controller.enqueue(syntheticBatch(produced, n))
      produced += n
    },
  }, { highWaterMark: 0 })
const historyKeys = {
  keys: Object.fromEntries(
    SYNTHETIC_COLUMNS.map((c) => [c, {
      typeCounts: [{ type: SYNTHETIC_TYPES[c] === 'string' ? 'string' : 'number', count: 1 }],
    }]),
  ),
}
try {
  await exportTypedToPath(source, join(dir, 'out.parquet'), {
    schema: historyColumnSchema(historyKeys),
    codec: 'snappy',
  })
} finally {
  rmSync(dir, { recursive: true, force: true })
}
