import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parquetReadObjects } from 'hyparquet'
import { TableWriter, writeTable } from '../../src/bulk/table_writer.ts'
import { oneBatch } from '../../src/streams/one_batch.ts'

async function withDir(body: (dir: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'wbx-table-writer-'))
  try {
    await body(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

test('TableWriter counts rows and the _step range and reports size and sha256', () =>
  withDir(async (dir) => {
    const path = join(dir, 'part.csv')
    const table = TableWriter.open(path, { root: dir, format: 'csv', tempDir: dir })
    await table.write([{ _step: 5, loss: 0.5 }, { _step: 2, loss: 0.25 }])
    await table.write([{ note: 'no step' }, { _step: 9, loss: 1 }])
    assert.deepEqual(await readdir(dir).then((names) => names.includes('part.csv')), false)
    const file = await table.close()
    const text = await readFile(path, 'utf8')
    assert.equal(text, '_step,loss,note\n5,0.5,\n2,0.25,\n,,no step\n9,1,\n')
    assert.deepEqual(file, {
      bytes: Buffer.byteLength(text),
      sha256: createHash('sha256').update(text).digest('hex'),
      rows: 4,
      minStep: 2,
      maxStep: 9,
    })
    assert.deepEqual(await readdir(dir), ['part.csv'])
  }))

test('writeTable writes Parquet with the declared column types (INT64 _step, DOUBLE x)', () =>
  withDir(async (dir) => {
    const path = join(dir, 'part.parquet')
    const file = await writeTable(path, oneBatch([{ _step: 0, x: 1.5 }, { _step: 1, x: 2 }]), {
      root: dir,
      format: 'parquet',
      columns: ['_step', 'x'],
      types: { _step: 'int', x: 'double' },
    })
    assert.equal(file.rows, 2)
    const bytes = await readFile(path)
    const rows = await parquetReadObjects({
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    })
    assert.deepEqual(rows, [{ _step: 0n, x: 1.5 }, { _step: 1n, x: 2 }])
  }))

test('an error in the row stream leaves no file and no temporary file', () =>
  withDir(async (dir) => {
    let pulls = 0
    const rows = new ReadableStream({
      pull(controller) {
        if (pulls++ === 0) controller.enqueue([{ _step: 0, a: 1 }])
        else controller.error(new Error('source failed at step 1'))
      },
    })
    await assert.rejects(
      writeTable(join(dir, 'part.ndjson'), rows, { root: dir, format: 'ndjson', tempDir: dir }),
      /source failed at step 1/,
    )
    assert.deepEqual(await readdir(dir), [])
  }))
