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
 * - `export`: the input is a Parquet file shaped like a W&B history export (snappy, row groups of
 *   10,000 rows); each row group is decoded as a remote run's export is (`decodeColumns`), handed
 *   on in slices of `EXPORT_SLICE_ROWS` as `HistorySlice`s, checked with `sliceFits` and written
 *   as columns: the bulk export's path from a downloaded export to a history part, without the
 *   network.
 * - `columns`: as `export`, but the export is decoded into slices first (not timed); only writing
 *   them is timed: the bulk export's writer alone, like DuckDB's `COPY table TO` of the same rows
 *   already in memory.
 *
 * With `WBX_BENCH_WARM=K` in the environment, K unmeasured conversions run first; with
 * `WBX_BENCH_MEASURE=M`, the figures are the mean of M measured conversions (default 1).
 */
import { readFileSync, rmSync } from 'node:fs'
import { open } from 'node:fs/promises'
import process from 'node:process'
import { parquetMetadataAsync, parquetSchema } from 'hyparquet'
import { HistorySlice } from '../src/api/history/history_slice.ts'
import { givePieceBack } from '../src/byte_pieces.ts'
import { decodeColumns } from '../src/api/history/decode_group.ts'
import { EXPORT_SLICE_ROWS } from '../src/api/history/step_sources.ts'
import { sliceFits } from '../src/bulk/history_schema.ts'
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

/** Decodes an export file group by group (as a remote run's export is) into slices that fit. */
async function* exportSlices(path: string): AsyncGenerator<HistorySlice> {
  const bytes = readFileSync(path)
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  const metadata = await parquetMetadataAsync(file)
  const names = parquetSchema(metadata).children.map((c) => c.element.name)
  const schema = { columns: COLUMNS, types: TYPES }
  let rowStart = 0
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows)
    const decoded = await decodeColumns({ file, metadata, names }, rowStart, rowEnd)
    const steps = decoded.data[decoded.names.indexOf('_step')]
    for (let at = 0; at < decoded.length; at += EXPORT_SLICE_ROWS) {
      const count = Math.min(EXPORT_SLICE_ROWS, decoded.length - at)
      const slice = new HistorySlice(decoded.names, decoded.data, steps, at, count)
      if (!sliceFits(slice, schema)) throw new Error('the export does not fit the columns')
      yield slice
    }
    rowStart = rowEnd
  }
}

/** Writes batches through the Parquet exporter into `output`; resolves with the byte count. */
async function write(
  batches: Iterable<Row[] | HistorySlice> | AsyncIterable<HistorySlice>,
  path = output,
): Promise<number> {
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
      givePieceBack(chunk) // as wbx's own file writers do (`src/byte_pieces.ts`)
    }
  })()
  const writer = (exporter.writable as WritableStream<Row[] | HistorySlice>).getWriter()
  for await (const batch of batches) await writer.write(batch)
  await writer.close()
  await drain
  await handle.close()
  return bytes
}

let prepared: Row[][] | undefined
let slices: HistorySlice[] | undefined
if (mode === 'rows' || mode === 'parts') prepared = [...parseBatches(readFileSync(input, 'utf8'))]
else if (mode === 'columns') slices = await Array.fromAsync(exportSlices(input))
else if (mode !== 'ndjson' && mode !== 'parse' && mode !== 'export') {
  throw new RangeError(
    `Unknown mode "${mode}": use "ndjson", "rows", "parts", "parse", "export" or "columns"`,
  )
}
/** One conversion of the input, as the mode says; resolves with the bytes written. */
async function convert(): Promise<number> {
  let bytes = 0
  if (mode === 'parse') {
    for (const _ of parseBatches(readFileSync(input, 'utf8'))) bytes += 0
  } else if (mode === 'parts') {
    for (let k = 0; k < prepared!.length; k++) {
      bytes += await write([prepared![k]], `${output}.${k}`)
      rmSync(`${output}.${k}`)
    }
  } else if (mode === 'export') bytes = await write(exportSlices(input))
  else if (mode === 'columns') bytes = await write(slices!)
  else bytes = await write(prepared ?? parseBatches(readFileSync(input, 'utf8')))
  return bytes
}

// WBX_BENCH_WARM=K: K unmeasured conversions first, as a long bulk export has done before its
// next file (the code is compiled and the heap sized); then the measured one.
for (let k = Number(process.env.WBX_BENCH_WARM ?? 0); k > 0; k--) await convert()
// WBX_BENCH_MEASURE=K: the mean of K measured conversions (one by default), which evens out the
// full collection that lands in some conversions and not others.
const measured = Number(process.env.WBX_BENCH_MEASURE ?? 1)
const cpu0 = process.cpuUsage()
const t0 = performance.now()
let bytes = 0
for (let k = 0; k < measured; k++) bytes = await convert()
const ms = (performance.now() - t0) / measured
const cpu = process.cpuUsage(cpu0)
console.log(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000 / measured, bytes }))
