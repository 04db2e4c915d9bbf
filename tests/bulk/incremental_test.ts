import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { exportProject } from '../../src/bulk/bulk_export.ts'
import type { Manifest } from '../../src/bulk/manifest.ts'
import { verifyDataset } from '../../src/bulk/verify.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import {
  addRuns,
  exportedHistory,
  fastApi,
  runId,
  seedRun,
  serverHistory,
  snapshot,
  stepsOf,
  tempDir,
} from './_project.ts'

const E = 'bulk'
const P = 'incremental'
let server: TestServer
let folder: { dir: string; cleanup: () => void }

before(async () => {
  server = await startTestServer()
  addRuns(server, E, P, 20)
  folder = tempDir('incremental')
}, { timeout: 60_000 })

after(async () => {
  folder.cleanup()
  await server.stop()
})

/** The run ids that history requests named, from the server log after `from`. */
function historyRequestRuns(from: number): Set<string> {
  const ops = new Set(['RunHistoryKeys', 'RunParquetHistory', 'HistoryPage'])
  return new Set(
    server.requests.slice(from)
      .filter((r) => r.operation && ops.has(r.operation))
      .map((r) => String(r.variables?.name ?? r.variables?.run ?? r.variables?.runName)),
  )
}

function manifest(): Manifest {
  return JSON.parse(readFileSync(join(folder.dir, 'wbx-manifest.json'), 'utf8'))
}

test('a second export after runs grew, appeared, and were rewound exports only what changed', {
  timeout: 60_000,
}, async () => {
  const first = await exportProject({ source: `${E}/${P}`, out: folder.dir, api: fastApi(server) })
  assert.equal(first.complete, true)
  const filesBefore = await snapshot(folder.dir)
  const mtimes = new Map(
    [...filesBefore.keys()].map((name) => [name, statSync(join(folder.dir, name)).mtimeMs]),
  )

  // r001 and r002 log 30 more steps (same seed: their first rows are unchanged).
  server.addRun(seedRun(E, P, 1, { steps: stepsOf(1) + 30 }))
  server.addRun(seedRun(E, P, 2, { steps: stepsOf(2) + 30 }))
  // r003 is rewound: its history now ends 10 steps earlier.
  server.addRun(seedRun(E, P, 3, { steps: stepsOf(3) - 10 }))
  // r004 is rewound and then logs past its old last step: other rows, a higher last step.
  server.addRun(seedRun(E, P, 4, { steps: stepsOf(4) + 5, seed: 999 }))
  // Two new runs.
  server.addRun(seedRun(E, P, 20))
  server.addRun(seedRun(E, P, 21))

  const from = server.requests.length
  const second = await exportProject({ source: `${E}/${P}`, out: folder.dir, api: fastApi(server) })
  assert.equal(second.complete, true)
  const actions = Object.fromEntries(second.plan.runs.map((r) => [r.id, r.action]))
  assert.equal(actions.r001, 'append')
  assert.equal(actions.r002, 'append')
  assert.equal(actions.r003, 'rewrite')
  assert.equal(actions.r004, 'rewrite')
  assert.equal(actions.r020, 'new')
  assert.equal(actions.r021, 'new')
  assert.equal(second.plan.runs.filter((r) => r.action === 'skip').length, 16)

  // Only the changed runs' history was read.
  assert.deepEqual(
    [...historyRequestRuns(from)].sort(),
    ['r001', 'r002', 'r003', 'r004', 'r020', 'r021'],
  )

  // Grown runs got a second part holding only the new steps; the first part is untouched.
  const m = manifest()
  for (const i of [1, 2]) {
    const id = runId(i)
    const parts = m.runs[id].history!.parts
    assert.equal(parts.length, 2, id)
    assert.equal(parts[1].minStep, stepsOf(i))
    assert.equal(parts[1].maxStep, stepsOf(i) + 29)
    assert.equal(parts[1].rows, 30)
    const part0 = `history/run_id=${id}/part-00000.parquet`
    assert.equal(statSync(join(folder.dir, part0)).mtimeMs, mtimes.get(part0), part0)
    assert.deepEqual(await exportedHistory(folder.dir, id), serverHistory(server, E, P, id))
  }
  // Rewound runs were rewritten from step 0; r004 was caught by its last row's fingerprint.
  for (const i of [3, 4]) {
    const id = runId(i)
    assert.equal(m.runs[id].history!.parts.length, 1, id)
    assert.deepEqual(await exportedHistory(folder.dir, id), serverHistory(server, E, P, id))
  }
  assert.equal(m.runs.r003.history!.rows, stepsOf(3) - 10)
  assert.equal(m.runs.r004.history!.rows, stepsOf(4) + 5)
  for (const id of ['r020', 'r021']) {
    assert.deepEqual(await exportedHistory(folder.dir, id), serverHistory(server, E, P, id))
  }

  // Every other run's files are byte-identical and were not rewritten.
  const filesAfter = await snapshot(folder.dir)
  for (let i = 5; i < 20; i++) {
    const name = `history/run_id=${runId(i)}/part-00000.parquet`
    assert.deepEqual(filesAfter.get(name), filesBefore.get(name), name)
    assert.equal(statSync(join(folder.dir, name)).mtimeMs, mtimes.get(name), name)
  }
  assert.equal(
    second.progress.rows,
    30 + 30 + (stepsOf(3) - 10) + (stepsOf(4) + 5) +
      stepsOf(20) + stepsOf(21),
  )
  assert.equal(m.selection.length, 22)
  assert.equal((await verifyDataset(folder.dir)).ok, true)
})
