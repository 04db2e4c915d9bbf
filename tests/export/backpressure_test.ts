import { test } from 'node:test'
import assert from 'node:assert/strict'
import { toCsv } from '../../src/export/csv.ts'
import type { ExportStream } from '../../src/export/export_stream.ts'
import { toNdjson } from '../../src/export/ndjson.ts'
import { toParquet } from '../../src/export/parquet.ts'
import { batches, batchStream, syntheticRows } from './_helpers.ts'

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Reads `n` chunks, lets the pipeline settle, and returns how many batches the source has handed out. */
async function pulledAfter(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  source: { pulled(): number },
  n: number,
) {
  for (let i = 0; i < n; i++) assert.equal((await reader.read()).done, false)
  await pause(30)
  return source.pulled()
}

const cases: [string, () => ExportStream][] = [
  ['NDJSON', () => toNdjson()],
  [
    'CSV with columns',
    () => toCsv({ columns: ['_step', '_timestamp', 'loss', 'epoch', 'acc', 'phase'] }),
  ],
  [
    'Parquet with declared columns',
    () =>
      toParquet({
        columns: ['_step', 'loss', 'acc'],
        types: { _step: 'int', loss: 'double', acc: 'double' },
        rowGroupSize: 100,
      }),
  ],
]

for (const [name, make] of cases) {
  test(`${name}: a slow consumer holds a pull-based source to a few batches ahead`, async () => {
    const source = batchStream(batches(syntheticRows(200_000), 100))
    const reader = source.pipeThrough(make()).getReader()
    const first = await pulledAfter(reader, source, 3)
    assert.ok(first <= 3 + 4, `${name}: source ran ${first} batches ahead after 3 chunks read`)
    const second = await pulledAfter(reader, source, 5)
    assert.ok(second - first <= 5 + 1, `${name}: source ran to ${second} after 5 more chunks`)
    assert.ok(second < 20)
    await reader.cancel()
  })
}
