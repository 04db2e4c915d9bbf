import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openExportSources } from '../../../src/api/history/open_exports.ts'
import type { ExportFileSource } from '../../../src/api/history/step_sources.ts'
import type { Row } from '../../../src/row.ts'
import { withServedRun } from './_served_run.ts'

/** Every row of the sources, each read to its end, sorted by step. */
async function readAll(sources: ExportFileSource[]): Promise<Row[]> {
  const rows: Row[] = []
  for (const source of sources) {
    while (source.nextStep !== Infinity) rows.push(...await source.read())
  }
  return rows.sort((a, b) => (a._step as number) - (b._step as number))
}

test('openExportSources opens every export file and starts the live tail at the first unexported step', async () => {
  await withServedRun(
    { steps: 25, liveTail: 4, parquetFileRows: 8 },
    async ({ transport, run, rows }) => {
      const found = await openExportSources(transport, run, { minStep: 0, stop: 25 })
      assert.equal(found.urls, 3, '21 exported rows at 8 per file')
      assert.equal(found.sources.length, 3)
      assert.equal(found.liveFromStep, 21)
      assert.deepEqual(await readAll(found.sources), rows.slice(0, 21))
    },
  )
})

test('the step window and keys limit what the sources read', async () => {
  await withServedRun(
    { steps: 25, liveTail: 4, parquetFileRows: 8 },
    async ({ transport, run, rows }) => {
      const found = await openExportSources(transport, run, {
        minStep: 5,
        stop: 12,
        keys: ['acc'],
        concurrency: 1,
        readAhead: false,
      })
      assert.deepEqual(
        await readAll(found.sources),
        rows.slice(5, 12).map((r) => ({ _step: r._step, acc: r.acc })),
      )
    },
  )
})

test('a fully exported run has no live tail; a run without exports has no sources', async () => {
  await withServedRun({ steps: 9 }, async ({ transport, run }) => {
    const found = await openExportSources(transport, run, { minStep: 0, stop: 9 })
    assert.equal(found.liveFromStep, 9, 'the step after the last exported one')
  })
  await withServedRun({ steps: 9, parquetExport: false }, async ({ transport, run }) => {
    const found = await openExportSources(transport, run, { minStep: 0, stop: 9 })
    assert.equal(found.urls, 0)
    assert.deepEqual(found.sources, [])
  })
})
