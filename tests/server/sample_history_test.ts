import { test } from 'node:test'
import assert from 'node:assert/strict'
import { exportLayout, sampleRows } from './sample_history.ts'

test('sampleRows: 60 rows over steps 0..69 with a gap at 20..29, NaN and ±Infinity', () => {
  const rows = sampleRows()
  assert.equal(rows.length, 60)
  assert.equal(rows.at(-1)?._step, 69)
  assert.ok(rows.every((r) => (r._step as number) < 20 || (r._step as number) >= 30))
  assert.ok(Number.isNaN(rows[7].loss))
  assert.deepEqual([rows[13].loss, rows[14].loss], [Infinity, -Infinity])
  assert.equal(sampleRows(70).length, 70)
})

test('exportLayout splits the exported rows evenly over files and leaves the rest live', () => {
  const rows = sampleRows()
  const layout = exportLayout(rows, { exported: 45, files: 3 })
  assert.equal(layout.history, rows)
  assert.equal(layout.liveTail, 15)
  assert.equal(layout.parquetFileRows, 15)
  assert.equal(layout.parquetRowGroupRows, 8)
  assert.deepEqual(exportLayout(rows, { files: 2, rowGroupRows: 6 }), {
    history: rows,
    liveTail: 0,
    parquetFileRows: 30,
    parquetRowGroupRows: 6,
  })
  assert.equal(exportLayout(rows, { exported: 0 }).liveTail, 60)
  assert.throws(() => exportLayout(rows, { files: 0 }), /files must be a positive integer, got 0/)
})
