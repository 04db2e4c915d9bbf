/**
 * The wbx side of `parquet_vs_duckdb.bench.ts`, one case per process. Prints one JSON line
 * `{ms, cpuMs, bytes}`: the time of the measured part only (not runtime start-up).
 *
 * Usage: `<runtime> bench/_parquet_vs_duckdb_case.ts <ndjson|rows|parse> <input.ndjson> <out.parquet> <codec>`
 * - `ndjson`: read the NDJSON file, `JSON.parse` each line, batches of 1000 rows through
 *   `toParquet` (declared columns, `flatten: false`: the bulk path) into the output file: like DuckDB's
 *   `COPY (FROM read_json(…)) TO`.
 * - `rows`: the rows are parsed into memory first (not timed); only the Parquet writing is timed:
 *   like DuckDB's `COPY table TO` of a table already in memory.
 * - `parts`: like `rows`, but written as one file per 1,000 rows (`<out>.<k>`), the shape of a
 *   bulk export of many small runs (one part each): what a file costs beyond its rows.
 * - `parse`: only read the file and `JSON.parse` each line (the floor of `ndjson`: its writing
 *   costs `ndjson` − `parse`).
 */
import { readFileSync, rmSync } from 'node:fs'
import { open } from 'node:fs/promises'
import process from 'node:process'
import { toParquet } from '../src/export/parquet.ts'
import type { ParquetCodec } from '../src/export/parquet_codec.ts'
import type { Row } from '../src/row.ts'
import { COLUMNS, TYPES } from './_parquet_vs_duckdb_rows.ts'

const [mode, input, output, codec] = process.argv.slice(2)
const BATCH = 1000

/** Parses NDJSON text into batches of rows. */
function* parseBatches(text: string): Generator<Row[]> {
  let batch: Row[] = []
  let start = 0
  while (start < text.length) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    if (end > start) batch.push(JSON.parse(text.slice(start, end)))
    start = end + 1
    if (batch.length === BATCH) {
      yield batch
      batch = []
    }
  }
  if (batch.length) yield batch
}

/** Writes batches through the Parquet exporter into `output`; resolves with the byte count. */
async function write(batches: Iterable<Row[]>, path = output): Promise<number> {
  const handle = await open(path, 'w')
  const exporter = toParquet({
    columns: COLUMNS,
    types: TYPES,
    codec: codec as ParquetCodec,
    flatten: false,
  })
  let bytes = 0
  const drain = (async () => {
    for await (const chunk of exporter.readable as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength
      await handle.write(chunk)
    }
  })()
  const writer = exporter.writable.getWriter()
  for (const batch of batches) await writer.write(batch)
  await writer.close()
  await drain
  await handle.close()
  return bytes
}

let prepared: Row[][] | undefined
if (mode === 'rows' || mode === 'parts') prepared = [...parseBatches(readFileSync(input, 'utf8'))]
else if (mode !== 'ndjson' && mode !== 'parse') {
  throw new RangeError(`Unknown mode "${mode}": use "ndjson", "rows", "parts" or "parse"`)
}
const cpu0 = process.cpuUsage()
const t0 = performance.now()
let bytes = 0
if (mode === 'parse') {
  for (const _ of parseBatches(readFileSync(input, 'utf8'))) bytes += 0
} else if (mode === 'parts') {
  for (let k = 0; k < prepared!.length; k++) {
    bytes += await write([prepared![k]], `${output}.${k}`)
    rmSync(`${output}.${k}`)
  }
} else bytes = await write(prepared ?? parseBatches(readFileSync(input, 'utf8')))
const ms = performance.now() - t0
const cpu = process.cpuUsage(cpu0)
console.log(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, bytes }))
