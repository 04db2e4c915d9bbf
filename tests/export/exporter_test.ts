import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { createExporter, formatFromPath } from '../../src/export/exporter.ts'
import { exportToPath } from '../../src/export/write_to_path.ts'
import {
  batchStream,
  exportText,
  fixtureRows,
  parquetColumns,
  readParquet,
  tempFolder,
} from './_helpers.ts'

test('formatFromPath reads the extension, case-insensitively', () => {
  assert.equal(formatFromPath('run/history.ndjson'), 'ndjson')
  assert.equal(formatFromPath('a.JSONL'), 'ndjson')
  assert.equal(formatFromPath('/tmp/x.csv'), 'csv')
  assert.equal(formatFromPath('x.tar.parquet'), 'parquet')
  assert.equal(formatFromPath('x.json'), undefined)
  assert.equal(formatFromPath('parquet'), undefined)
})

test('createExporter picks the format and rejects unknown formats and codecs', async () => {
  const rows = [[{ _step: 0, loss: NaN }]]
  assert.equal(
    await exportText(createExporter('ndjson', { nan: 'null' }), rows),
    '{"_step":0,"loss":null}\n',
  )
  assert.equal(
    await exportText(createExporter('csv', { nan: 'null' }), rows),
    '_step,loss\n0,NaN\n',
  )
  assert.throws(() => createExporter('xlsx' as 'csv'), RangeError)
  assert.throws(
    () => createExporter('parquet', { codec: 'brotli' }),
    (err: Error) => err instanceof RangeError && err.message.includes('"brotli"'),
  )
  assert.throws(() => createExporter('csv', { layout: 'tall' as 'long' }), RangeError)
})

test('createExporter layout long writes the long columns in every format', async () => {
  const rows = fixtureRows('nan_inf').slice(0, 2)
  assert.equal(
    await exportText(createExporter('csv', { layout: 'long' }), [rows]),
    '_step,key,value,value_json\n0,edge/flat,1.5,\n0,edge/nan_inf,0,\n0,edge/single_point,42,\n1,edge/flat,1.5,\n1,edge/nan_inf,NaN,\n',
  )
  const ndjson = await exportText(createExporter('ndjson', { layout: 'long' }), [
    fixtureRows('media').slice(0, 1),
  ])
  assert.deepEqual(JSON.parse(ndjson.split('\n')[2]), {
    _step: 0,
    key: 'train/loss',
    value: 0.9,
    value_json: null,
  })
  const { dir, cleanup } = tempFolder()
  try {
    const path = join(dir, 'long.parquet')
    const result = await exportToPath(batchStream([fixtureRows('tiny')]), path, { layout: 'long' })
    assert.equal(result.rows, 50)
    assert.deepEqual((await parquetColumns(path)).map((c) => `${c.name}:${c.type}`), [
      '_step:INT64',
      'key:BYTE_ARRAY',
      'value:DOUBLE',
      'value_json:BYTE_ARRAY',
    ])
    const back = await readParquet(path)
    assert.equal(back.length, 50 * 4)
    assert.deepEqual(back[4 * 49 + 3], {
      _step: 49n,
      key: 'train/sine',
      value: fixtureRows('tiny')[49]['train/sine'],
      value_json: null,
    })
  } finally {
    cleanup()
  }
})
