import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ExportFormat } from '../../src/export/exporter.ts'
import { toCsv } from '../../src/export/csv.ts'
import { exportToPath, exportToWritable, writeToPath } from '../../src/export/write_to_path.ts'
import type { Row } from '../../src/row.ts'
import {
  batches,
  batchStream,
  fixtureRows,
  listFolder,
  readParquet,
  syntheticRows,
  tempFolder,
} from './_helpers.ts'

const FORMATS: [ExportFormat, string][] = [['ndjson', 'out.ndjson'], ['csv', 'out.csv'], [
  'parquet',
  'out.parquet',
]]

/** A source that delivers `good` batches, then errors (or calls `onPull` before each pull). */
function failingSource(
  good: Row[][],
  error: Error,
  onPull?: (i: number) => void,
): ReadableStream<Row[]> & { cancelled: () => unknown } {
  let i = 0
  let cancelReason: unknown
  const stream = new ReadableStream<Row[]>({
    async pull(controller) {
      onPull?.(i)
      await new Promise((resolve) => setTimeout(resolve, 1))
      if (i < good.length) controller.enqueue(good[i++])
      else controller.error(error)
    },
    cancel(reason) {
      cancelReason = reason ?? 'cancelled'
    },
  }, { highWaterMark: 0 })
  return Object.assign(stream, { cancelled: () => cancelReason })
}

test('exportToPath writes each format atomically and reports rows and bytes', async () => {
  const { dir, cleanup } = tempFolder()
  try {
    const rows = fixtureRows('tiny')
    for (const [format, name] of FORMATS) {
      const path = join(dir, name)
      // Small limits push CSV and Parquet through their temporary files, which live in the target folder.
      const result = await exportToPath(batchStream(batches(rows, 10)), path, {
        memoryBytes: 100,
        rowGroupSize: 7,
      })
      assert.equal(result.rows, 50, format)
      assert.equal(result.bytes, readFileSync(path).length, format)
    }
    assert.deepEqual((await listFolder(dir)).sort(), ['out.csv', 'out.ndjson', 'out.parquet'])
    assert.equal(
      readFileSync(join(dir, 'out.ndjson'), 'utf8').split('\n')[49],
      JSON.stringify(rows[49]),
    )
    assert.equal(
      readFileSync(join(dir, 'out.csv'), 'utf8').split('\n')[0],
      '_step,_timestamp,eval/step_fn,train/loss,train/sine',
    )
    assert.equal(
      (await readParquet(join(dir, 'out.parquet')))[49]['train/loss'],
      rows[49]['train/loss'],
    )
  } finally {
    cleanup()
  }
})

test('exportToPath: a source error leaves no file and no temporary file, and keeps an older file intact', async () => {
  const { dir, cleanup } = tempFolder()
  try {
    for (const [format, name] of FORMATS) {
      const path = join(dir, name)
      writeFileSync(path, 'old contents')
      const boom = new Error(`source failed (${format})`)
      const source = failingSource(batches(syntheticRows(3000), 500), boom)
      await assert.rejects(exportToPath(source, path, { memoryBytes: 10, rowGroupSize: 400 }), boom)
      assert.equal(readFileSync(path, 'utf8'), 'old contents', format)
    }
    assert.deepEqual((await listFolder(dir)).sort(), ['out.csv', 'out.ndjson', 'out.parquet'])
    const fresh = join(dir, 'fresh.parquet')
    await assert.rejects(exportToPath(failingSource([], new Error('no rows')), fresh), /no rows/)
    assert.equal(existsSync(fresh), false)
  } finally {
    cleanup()
  }
})

test('exportToPath: aborting mid-export rejects with the reason and leaves nothing', async () => {
  const { dir, cleanup } = tempFolder()
  try {
    for (const [format, name] of FORMATS) {
      const controller = new AbortController()
      const reason = new Error(`stop ${format}`)
      const source = failingSource(
        batches(syntheticRows(100_000), 500),
        new Error('never'),
        (i) => {
          if (i === 5) controller.abort(reason)
        },
      )
      const path = join(dir, name)
      await assert.rejects(
        exportToPath(source, path, {
          signal: controller.signal,
          memoryBytes: 10,
          rowGroupSize: 300,
        }),
        (err) => err === reason,
      )
      assert.ok(source.cancelled(), `${format}: the source was cancelled`)
      assert.equal(existsSync(path), false, format)
    }
    assert.deepEqual(await listFolder(dir), [])
    const aborted = new AbortController()
    aborted.abort(new Error('before start'))
    await assert.rejects(
      exportToPath(batchStream([]), join(dir, 'x.csv'), { signal: aborted.signal }),
      /before start/,
    )
    assert.deepEqual(await listFolder(dir), [])
  } finally {
    cleanup()
  }
})

test("cancelling an exporter's output removes its temporary file and cancels the source", async () => {
  const { dir, cleanup } = tempFolder()
  try {
    const source = failingSource(batches(syntheticRows(50_000), 100), new Error('never'))
    const exporter = toCsv({ memoryBytes: 0, tempDir: dir })
    const output = source.pipeThrough(exporter)
    const reader = output.getReader()
    const pending = reader.read()
    while (!(await listFolder(dir)).length) await new Promise((resolve) => setTimeout(resolve, 2))
    await reader.cancel(new Error('consumer gone'))
    await pending
    for (let i = 0; i < 50 && (await listFolder(dir)).length; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    assert.deepEqual(await listFolder(dir), [])
    for (let i = 0; i < 50 && !source.cancelled(); i++) {
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    assert.ok(source.cancelled())
  } finally {
    cleanup()
  }
})

test('writeToPath: an erroring byte stream leaves no file; a missing folder names the path', async () => {
  const { dir, cleanup } = tempFolder()
  try {
    const path = join(dir, 'bytes.bin')
    let n = 0
    const bytes = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (n++ < 3) controller.enqueue(new Uint8Array(1000))
        else controller.error(new Error('byte source failed'))
      },
    })
    await assert.rejects(writeToPath(bytes, path), /byte source failed/)
    assert.deepEqual(await listFolder(dir), [])
    const missing = join(dir, 'no', 'such', 'out.csv')
    await assert.rejects(
      exportToPath(batchStream([[{ a: 1 }]]), missing),
      (err: Error) => err.message.includes(missing) && err.message.includes('folder'),
    )
    await assert.rejects(exportToPath(batchStream([]), join(dir, 'out.txt')), TypeError)
  } finally {
    cleanup()
  }
})

test('exportToWritable writes into a WritableStream and counts rows and bytes', async () => {
  const chunks: Uint8Array[] = []
  const sink = new WritableStream<Uint8Array>({ write: (chunk) => void chunks.push(chunk) })
  const rows = fixtureRows('unicode')
  const result = await exportToWritable(batchStream([rows.slice(0, 4), rows.slice(4)]), sink, {
    format: 'csv',
  })
  const text = new TextDecoder().decode(await new Blob(chunks as BlobPart[]).arrayBuffer())
  assert.equal(result.rows, 10)
  assert.equal(result.bytes, new TextEncoder().encode(text).length)
  assert.equal(text.split('\n')[0], '_step,emoji/🚀speed,损失/loss')
  assert.equal(text.split('\n')[10], '9,145,0.28')
})
