/**
 * One export benchmark case, run in its own process by `export.bench.ts` so its peak memory is
 * its own: generates synthetic W&B-like rows in batches, exports them to a file in a temp folder
 * and prints one JSON line: `{case, rows, ms, bytes, peakRssMb}`.
 *
 * Usage: `<runtime> bench/_export_case.ts <case> <rows>`
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import type { Row } from '../src/row.ts'
import { exportToPath, type ExportToPathOptions } from '../src/export/write_to_path.ts'
import { SYNTHETIC_COLUMNS, SYNTHETIC_TYPES, syntheticBatch } from './_export_rows.ts'

/** Export settings of each case. */
export const CASES: Record<string, { file: string; options?: ExportToPathOptions }> = {
  baseline: { file: 'out.ndjson' },
  ndjson: { file: 'out.ndjson' },
  csv: { file: 'out.csv' },
  'csv-columns': { file: 'out.csv', options: { columns: SYNTHETIC_COLUMNS } },
  parquet: { file: 'out.parquet' },
  'parquet-declared': {
    file: 'out.parquet',
    options: { columns: SYNTHETIC_COLUMNS, types: SYNTHETIC_TYPES },
  },
  'parquet-zstd': { file: 'out.parquet', options: { codec: 'zstd' } },
}

const BATCH = 1000

/** A pull-based stream of `total` synthetic rows in batches of 1000. */
function rowStream(total: number): ReadableStream<Row[]> {
  let done = 0
  return new ReadableStream<Row[]>({
    pull(controller) {
      if (done >= total) return controller.close()
      const n = Math.min(BATCH, total - done)
      controller.enqueue(syntheticBatch(done, n))
      done += n
    },
  }, { highWaterMark: 0 })
}

/** The baseline: JSON.stringify per row, one TextEncoder call per batch, appended to a file. */
async function baseline(total: number, path: string): Promise<void> {
  const handle = await open(path, 'w')
  const encoder = new TextEncoder()
  try {
    for await (const batch of rowStream(total) as unknown as AsyncIterable<Row[]>) {
      let text = ''
      for (const row of batch) text += JSON.stringify(row) + '\n'
      await handle.write(encoder.encode(text))
    }
  } finally {
    await handle.close()
  }
}

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

const [name, rowsText] = process.argv.slice(2)
const setup = CASES[name]
if (!setup) {
  throw new RangeError(`Unknown bench case "${name}": use one of ${Object.keys(CASES).join(', ')}`)
}
const total = Number(rowsText)
const dir = mkdtempSync(join(tmpdir(), 'wbx-bench-'))
try {
  const path = join(dir, setup.file)
  const start = performance.now()
  if (name === 'baseline') await baseline(total, path)
  else await exportToPath(rowStream(total), path, setup.options)
  const ms = performance.now() - start
  console.log(
    JSON.stringify({
      case: name,
      rows: total,
      ms,
      bytes: statSync(path).size,
      peakRssMb: peakRssMb(),
    }),
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
