import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HistoryShortfallError } from '../../../src/api/history/history_shortfall.ts'
import { ScanPlan, type ScanPlanOptions } from '../../../src/api/history/scan_plan.ts'
import type { Row } from '../../../src/row.ts'
import { withServedRun } from './_served_run.ts'

const signal = new AbortController().signal
const options = (extra: Partial<ScanPlanOptions> = {}): ScanPlanOptions => ({
  pageSize: 6,
  minStep: 0,
  source: 'auto',
  ...extra,
})

/** Every batch of a plan until `next()` gives null. */
async function drainPlan(plan: ScanPlan): Promise<Row[]> {
  const rows: Row[] = []
  for (let batch = await plan.next(); batch !== null; batch = await plan.next()) rows.push(...batch)
  return rows
}

test('a plan merges the exports and the live tail into the run rows, and reports both parts', async () => {
  await withServedRun(
    { steps: 24, liveTail: 6, parquetFileRows: 10 },
    async ({ transport, run, rows }) => {
      const plan = await ScanPlan.open(transport, run, options(), signal)
      const got = await drainPlan(plan)
      assert.deepEqual(got, rows)
      const report = plan.report(got.length, [])
      assert.equal(report.source, 'parquet')
      assert.equal(report.parquetFiles, 2)
      assert.equal(report.parquetRows, 18)
      assert.equal(report.liveRows, 6)
      assert.equal(report.liveFromStep, 18)
      assert.equal(report.lastHistoryStep, 23)
      assert.equal(report.exportFailure, null)
      assert.deepEqual(report.problems, [])
    },
  )
})

test('a step range clamps to the last step and starts the live part where the exports end', async () => {
  await withServedRun({ steps: 24, liveTail: 6 }, async ({ transport, run, rows }) => {
    const plan = await ScanPlan.open(transport, run, options({ minStep: 10, maxStep: 500 }), signal)
    assert.deepEqual(await drainPlan(plan), rows.slice(10))
    assert.equal(plan.report(14, []).liveFromStep, 18)
  })
})

test('under auto, export files that cannot be read give way to GraphQL pages, no row lost', async () => {
  await withServedRun({ steps: 30, liveTail: 3 }, async ({ server, transport, run, rows }) => {
    server.fault({ kind: 'status', status: 404, origin: 'files', count: 1000 })
    const plan = await ScanPlan.open(
      transport,
      run,
      options({ exportFetch: { retries: 0 } }),
      signal,
    )
    const got = await drainPlan(plan)
    assert.deepEqual(got, rows)
    const report = plan.report(got.length, [])
    assert.notEqual(report.exportFailure, null)
    assert.match(report.exportFailure!, /404/)
    assert.equal(report.rows, 30)
  })
})

test('fewer rows than the run declares: an error naming the run, or a reported problem', async () => {
  await withServedRun({ steps: 8, parquetExport: false }, async ({ transport, run, rows }) => {
    const claimed = { ...run, historyLineCount: 12, state: 'finished' }
    const strict = await ScanPlan.open(transport, claimed, options(), signal)
    await assert.rejects(
      drainPlan(strict),
      (err: Error) => err instanceof HistoryShortfallError && /e\/p\/r1/.test(err.message),
    )
    const lenient = await ScanPlan.open(
      transport,
      claimed,
      options({ onShortfall: 'report' }),
      signal,
    )
    assert.deepEqual(await drainPlan(lenient), rows)
    const problems = lenient.report(rows.length, []).problems
    assert.equal(problems.length, 1)
    assert.match(problems[0], /12/)
  })
})

test('an unknown run fails to open with its path in the message', async () => {
  await withServedRun({ steps: 2 }, async ({ transport }) => {
    await assert.rejects(
      ScanPlan.open(transport, { entity: 'e', project: 'p', id: 'nope' }, options(), signal),
      /e\/p\/nope/,
    )
  })
})
