/**
 * One case of `parquet_memory.bench.ts`, in its own process: exports `rows` synthetic W&B-like
 * rows to a Parquet file the way a single-run export does by default (`typed`: columns and types
 * from the run's `historyKeys` through `exportTypedToPath`) or without a schema (`spooled`), and
 * prints one JSON line: `{mode, rows, ms, peakRssMb, rowsAtFirstByte}`, where `rowsAtFirstByte`
 * is how many rows the source had produced when the output file first held bytes.
 *
 * Usage: `<runtime> bench/_parquet_memory_case.ts <typed|spooled> <rows>`
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { historyColumnSchema } from '../src/export/history_types.ts'
import { exportTypedToPath } from '../src/export/typed_export.ts'
import type { Row } from '../src/row.ts'
import { SYNTHETIC_COLUMNS, SYNTHETIC_TYPES, syntheticBatch } from './_export_rows.ts'

/** Peak resident set of this process in MB (VmHWM on Linux, else the current RSS). */
function peakRssMb(): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
    if (match) return Number(match[1]) / 1024
  } catch {
    // not Linux
  }
  return process.memoryUsage().rss / 2 ** 20
}

const [mode, rowsText] = process.argv.slice(2)
if (mode !== 'typed' && mode !== 'spooled') throw new RangeError(`Unknown mode "${mode}"`)
const total = Number(rowsText)
const dir = mkdtempSync(join(tmpdir(), 'wbx-bench-pq-'))
let produced = 0
let rowsAtFirstByte: number | null = null
const source = () => {
  produced = 0
  return new ReadableStream<Row[]>({
    pull(controller) {
      // Checked at each pull (one per 1,000 rows), not by a timer, which cannot fire while the
      // encoder holds the thread: the count is exact to one batch.
      if (rowsAtFirstByte === null && outputHasBytes()) rowsAtFirstByte = produced
      if (produced >= total) return controller.close()
      const n = Math.min(1000, total - produced)
      controller.enqueue(syntheticBatch(produced, n))
      produced += n
    },
  }, { highWaterMark: 0 })
}
// W&B's historyKeys for these rows: every metric a number, `phase` a string.
const historyKeys = {
  keys: Object.fromEntries(
    SYNTHETIC_COLUMNS.map((c) => [c, {
      typeCounts: [{ type: SYNTHETIC_TYPES[c] === 'string' ? 'string' : 'number', count: 1 }],
    }]),
  ),
}
/** Whether the output's atomic temporary file holds bytes yet (spool files do not count). */
function outputHasBytes(): boolean {
  return readdirSync(dir).some((name) =>
    name.startsWith('.wbx-out-') && statSync(join(dir, name)).size > 0
  )
}
try {
  const start = performance.now()
  await exportTypedToPath(source, join(dir, 'out.parquet'), {
    schema: mode === 'typed' ? historyColumnSchema(historyKeys) : undefined,
    codec: 'snappy',
  })
  const ms = performance.now() - start
  console.log(JSON.stringify({ mode, rows: total, ms, peakRssMb: peakRssMb(), rowsAtFirstByte }))
} finally {
  rmSync(dir, { recursive: true, force: true })
}
