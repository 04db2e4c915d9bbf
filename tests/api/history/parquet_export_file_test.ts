import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fetchParquetExports } from '../../../src/api/history/parquet_exports.ts'
import { ParquetExportFile } from '../../../src/api/history/parquet_export_file.ts'
import type { Row } from '../../../src/row.ts'
import { withServedRun } from './_served_run.ts'

/** The run's export files, opened, sorted by their first step (URL order is not stable). */
async function openAll(
  served: Parameters<Parameters<typeof withServedRun>[1]>[0],
  keys?: string[],
): Promise<ParquetExportFile[]> {
  const { urls } = await fetchParquetExports(served.transport, served.run)
  const files = await Promise.all(
    urls.map((url, i) => ParquetExportFile.open(url, `${i + 1} of ${urls.length}`, { keys })),
  )
  return files.sort((a, b) => a.groups[0].minStep - b.groups[0].minStep)
}

test('an opened export lists its row groups with step ranges and reads each group as logged rows', async () => {
  await withServedRun(
    { steps: 20, parquetFileRows: 12, parquetRowGroupRows: 5 },
    async (served) => {
      const files = await openAll(served)
      assert.equal(files.length, 2)
      assert.deepEqual(
        files.map((f) => f.groups.map((g) => [g.minStep, g.maxStep, g.rowEnd - g.rowStart])),
        [[[0, 4, 5], [5, 9, 5], [10, 11, 2]], [[12, 16, 5], [17, 19, 3]]],
      )
      assert.equal(files[0].columns?.[0], '_step')
      assert.ok(files[0].hasRequestedColumns)
      const rows: Row[] = []
      for (const file of files) {
        for (const group of file.groups) {
          rows.push(...await file.readGroup(group))
        }
      }
      assert.deepEqual(rows, served.rows)
      assert.match(files[0].label, /^history export \d of 2 \(http:\/\/127\.0\.0\.1:\d+\//)
      assert.doesNotMatch(
        files[0].label,
        /Signature=[^&)]*[0-9a-f]{8}/i,
        'no signature in messages',
      )
    },
  )
})

test('keys choose the columns read; a key the file lacks leaves only _step', async () => {
  await withServedRun({ steps: 6 }, async (served) => {
    const [loss] = await openAll(served, ['loss'])
    assert.deepEqual(loss.columns, ['_step', 'loss'])
    const rows = await loss.readGroup(loss.groups[0])
    assert.deepEqual(rows, served.rows.map((r) => ({ _step: r._step, loss: r.loss })))
    const [none] = await openAll(served, ['never_logged'])
    assert.deepEqual(none.columns, ['_step'])
    assert.equal(none.hasRequestedColumns, false)
  })
})

test('a URL that is not a Parquet file fails with a message naming the export, not its signature', async () => {
  await withServedRun({ steps: 4 }, async (served) => {
    const { urls } = await fetchParquetExports(served.transport, served.run)
    const broken = urls[0].replace(/\/[^/?]+(\?|$)/, '/missing.parquet$1')
    await assert.rejects(
      ParquetExportFile.open(broken, '1 of 1', { retries: 0 }),
      (err: Error) =>
        /history export 1 of 1/.test(err.message) && !/Signature=\w{8}/.test(err.message),
    )
  })
})
