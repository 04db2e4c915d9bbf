/**
 * Decoding one row group of a W&B history export, the way the bulk export reads it: hyparquet's
 * reader as it assembles every column (what `decodeColumns` did before), against `decodeColumns`
 * with its unboxed path for nullable DOUBLE columns (`src/api/history/flat_doubles.ts`). Groups of
 * 10,000 rows × (`_step` + 20 doubles), snappy, dense (every metric every step, as the moonshot's
 * generated runs) and sparse (half the metrics missing on one step in seven). Both ways run in the
 * same process, interleaved, five rounds of 40 decodes; the median round is reported, with the
 * heap one decoded group keeps alive (heap used after a full collection, with and without it).
 *
 * Usage (each runtime): `deno run -A bench/export_decode.bench.ts`, `bun bench/export_decode.bench.ts`,
 * `node bench/export_decode.bench.ts`
 */
import { parquetWriteBuffer } from 'hyparquet-writer'
import { type FileMetaData, parquetMetadata, parquetRead } from 'hyparquet'
import process from 'node:process'
import { decodeColumns } from '../src/api/history/parquet_export_file.ts'
import { collectGarbage, runtimeName } from '../src/runtime.ts'

const ROWS = 10_000
const ROUNDS = 5
const DECODES = 40

/** A one-group export file: `_step` and 20 doubles, some missing when `sparse`. */
function exportFile(sparse: boolean) {
  const columnData = [
    {
      name: '_step',
      data: BigInt64Array.from({ length: ROWS }, (_, i) => BigInt(i)),
      type: 'INT64',
    },
  ] as { name: string; data: ArrayLike<unknown>; type: string }[]
  for (let c = 0; c < 20; c++) {
    const data = Array.from(
      { length: ROWS },
      (_, i) => sparse && c % 2 === 1 && i % 7 === 0 ? null : Math.sin(i * (c + 1)) * 100,
    )
    columnData.push({ name: `metric_${c}`, data, type: 'DOUBLE' })
  }
  // deno-lint-ignore no-explicit-any
  const bytes = parquetWriteBuffer({ columnData: columnData as any, rowGroupSize: ROWS })
  const metadata = parquetMetadata(bytes)
  const file = { byteLength: bytes.byteLength, slice: (s: number, e?: number) => bytes.slice(s, e) }
  return { file, metadata, names: columnData.map((c) => c.name) }
}

type Decode = () => Promise<unknown>

/** hyparquet's reader, every column assembled (the path before `flat_doubles.ts`). */
function assembled(
  file: { byteLength: number; slice(s: number, e?: number): ArrayBuffer },
  metadata: FileMetaData,
): Decode {
  return async () => {
    const columns: unknown[] = []
    await parquetRead({
      file,
      metadata,
      onChunk: ({ columnData }) => void columns.push(columnData),
    })
    return columns
  }
}

/** Heap used after a full collection, in bytes. */
function heapAfterCollection(): number {
  collectGarbage()
  return process.memoryUsage().heapUsed
}

/** Bytes of heap one decoded group keeps alive. */
async function heldBytes(decode: Decode): Promise<number> {
  const before = heapAfterCollection()
  const kept = await decode()
  const after = heapAfterCollection()
  if (kept === undefined) throw new Error('unreachable')
  return after - before
}

const median = (values: number[]) => values.toSorted((a, b) => a - b)[values.length >> 1]

console.log(
  `Export group decode, ${runtimeName}, ${
    new Date().toISOString().slice(0, 10)
  }, ${ROWS} rows × 21 columns.\n`,
)
console.log(
  '| data | reader | ms per group (median of 5 rounds of 40) | heap held by one group | ratio |',
)
console.log('|---|---|---:|---:|---:|')
for (const sparse of [false, true]) {
  const { file, metadata, names } = exportFile(sparse)
  const ways: [string, Decode][] = [
    ['hyparquet, assembled', assembled(file, metadata)],
    ['decodeColumns (unboxed doubles)', () => decodeColumns({ file, metadata, names }, 0, ROWS)],
  ]
  const times = ways.map(() => [] as number[])
  for (let round = 0; round < ROUNDS; round++) {
    for (const [w, [, decode]] of ways.entries()) {
      const start = performance.now()
      for (let i = 0; i < DECODES; i++) await decode()
      times[w].push((performance.now() - start) / DECODES)
    }
  }
  const held = []
  for (const [, decode] of ways) {
    held.push(median([await heldBytes(decode), await heldBytes(decode), await heldBytes(decode)]))
  }
  const base = median(times[0])
  for (const [w, [label]] of ways.entries()) {
    const ms = median(times[w])
    console.log(
      `| ${sparse ? 'sparse' : 'dense'} | ${label} | ${ms.toFixed(2)} | ${
        (held[w] / 2 ** 20).toFixed(2)
      } MB | ${(base / ms).toFixed(2)}× |`,
    )
  }
}
