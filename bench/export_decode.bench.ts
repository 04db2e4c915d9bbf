/**
 * Decoding one row group of a W&B history export, the way the bulk export reads it: hyparquet's
 * reader as it assembles every column (what `decodeColumns` did before), against `decodeColumns`
 * with its unboxed path for nullable DOUBLE columns (`src/api/history/flat_doubles.ts`). Groups of
 * 10,000 rows × (`_step` + 20 doubles), snappy, dense (every metric every step, as the moonshot's
 * generated runs), sparse (half the metrics missing on one step in seven) and thin (every metric
 * on one step in ten, as evaluation metrics are logged). Both ways run in the
 * same process, interleaved, five rounds of 40 decodes (fewer for a bigger group, about 8.4 million
 * cells a round, at least 3); the median round is reported, with the
 * heap one decoded group keeps alive (heap used after a full collection, with and without it).
 *
 * Usage (each runtime): `deno run -A bench/export_decode.bench.ts`, `bun bench/export_decode.bench.ts`,
 * `node bench/export_decode.bench.ts`; `--rows N --metrics M` change the group's shape (defaults
 * 10,000 and 20).
 */
import { parquetWriteBuffer } from 'hyparquet-writer'
import { type FileMetaData, parquetMetadata, parquetRead } from 'hyparquet'
import process from 'node:process'
import { parseArgs } from 'node:util'
import { decodeColumns } from '../src/api/history/decode_group.ts'
import { collectGarbage, runtimeName } from '../src/runtime.ts'

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    rows: { type: 'string', default: '10000' },
    metrics: { type: 'string', default: '20' },
  },
})
const ROWS = Number(values.rows)
const METRICS = Number(values.metrics)
const ROUNDS = 5
/** Decodes per round: 40 of the default group, fewer of a bigger one (at least 3). */
const DECODES = Math.max(3, Math.round((40 * 10_000 * 21) / (ROWS * (METRICS + 1))))

/** Which cells a metric has: every one, half the metrics one in seven missing, or one in ten. */
type Shape = 'dense' | 'sparse' | 'thin'

/** A one-group export file: `_step` and 20 doubles with the cells of `shape`. */
function exportFile(shape: Shape) {
  const columnData = [
    {
      name: '_step',
      data: BigInt64Array.from({ length: ROWS }, (_, i) => BigInt(i)),
      type: 'INT64',
    },
  ] as { name: string; data: ArrayLike<unknown>; type: string }[]
  for (let c = 0; c < METRICS; c++) {
    const data = Array.from(
      { length: ROWS },
      (_, i) =>
        (shape === 'sparse' && c % 2 === 1 && i % 7 === 0) ||
          (shape === 'thin' && i % 10 !== c % 10)
          ? null
          : Math.sin(i * (c + 1)) * 100,
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
  `Export group decode, ${runtimeName}, ${new Date().toISOString().slice(0, 10)}, ${ROWS} rows × ${
    METRICS + 1
  } columns.\n`,
)
console.log(
  `| data | reader | ms per group (median of 5 rounds of ${DECODES}) | heap held by one group | ratio |`,
)
console.log('|---|---|---:|---:|---:|')
for (const shape of ['dense', 'sparse', 'thin'] as const) {
  const { file, metadata, names } = exportFile(shape)
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
      `| ${shape} | ${label} | ${ms.toFixed(2)} | ${(held[w] / 2 ** 20).toFixed(2)} MB | ${
        (base / ms).toFixed(2)
      }× |`,
    )
  }
}
