/**
 * Child process of `parquet_runtimes_test.ts`: writes the same rows to Parquet in three ways
 * (exporter defaults; the bulk export's zstd parts with declared columns; zstd with a late column,
 * which rewrites spool segments) into the folder given as the only argument. Deno, Bun and Node
 * each run it, and the test compares the bytes.
 *
 * Usage: `<runtime> tests/export/_parquet_bytes_writer.ts <dir>`
 */
import { join } from 'node:path'
import process from 'node:process'
import type { Row } from '../../src/row.ts'
import type { ColumnType } from '../../src/export/column_kind.ts'
import { exportToPath, type ExportToPathOptions } from '../../src/export/write_to_path.ts'

/** Rows built from integer arithmetic only (Math.sin's last bits differ between runtimes). */
function sampleRows(n: number): Row[] {
  const rows: Row[] = []
  let seed = 7
  let walk = 0
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    walk += (seed / 2 ** 32 - 0.5) * 0.01
    const row: Row = {
      _step: i,
      _runtime: i * 0.25,
      loss: Math.fround(2 + walk),
      acc: walk,
      epoch: Math.floor(i / 1000),
      lr: i % 2000 < 1000 ? 0.001 : 0.0001,
    }
    if (i % 97 === 0) row['eval/loss'] = i % 194 === 0 ? NaN : walk * 3
    if (i % 500 === 0) row.phase = `phase-${i / 500}`
    if (i % 250 === 0) row.ok = i % 500 === 0
    if (i % 1000 === 0) row.media = { _type: 'image-file', path: `media/${i}.png`, size: i }
    if (i >= 2500) row.late = seed % 1000
    rows.push(row)
  }
  return rows
}

/** Declared types of every column of `sampleRows`. */
const SAMPLE_TYPES: Record<string, ColumnType> = {
  _step: 'int',
  _runtime: 'double',
  loss: 'double',
  acc: 'double',
  epoch: 'int',
  lr: 'double',
  'eval/loss': 'double',
  phase: 'string',
  ok: 'bool',
  media: 'json',
  late: 'int',
}

/** The three files and their options. */
const CASES: Record<string, ExportToPathOptions> = {
  'default.parquet': {},
  'bulk-zstd.parquet': {
    columns: Object.keys(SAMPLE_TYPES),
    types: SAMPLE_TYPES,
    codec: 'zstd',
    flatten: false,
  },
  'zstd-late-column.parquet': { codec: 'zstd', rowGroupSize: 1000 },
}

/** A pull-based stream of rows in batches of 300. */
function stream(rows: Row[]): ReadableStream<Row[]> {
  let i = 0
  return new ReadableStream<Row[]>({
    pull(controller) {
      if (i >= rows.length) return controller.close()
      controller.enqueue(rows.slice(i, i + 300))
      i += 300
    },
  }, { highWaterMark: 0 })
}

const dir = process.argv[2]
const rows = sampleRows(5000)
for (const [file, options] of Object.entries(CASES)) {
  await exportToPath(stream(rows), join(dir, file), options)
}
