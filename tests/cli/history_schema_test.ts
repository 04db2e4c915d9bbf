/**
 * `wbx history -o FILE` declares columns from the run's `historyKeys` and streams; when the rows
 * hold a key `historyKeys` did not list yet (a live run), it writes the file again with inferred
 * columns and says so, losing nothing.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir, useServerEnv } from '../bulk/_project.ts'
import { generateRun } from '../server/generate_run.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { runCli } from './_run_cli.ts'

let server: TestServer
let folder: { dir: string; cleanup: () => void }
let restoreEnv: (() => void) | undefined

/** 30 rows: loss 1, 0.5, …; `count` integers; `late` from step 20. */
function rows() {
  return Array.from({ length: 30 }, (_, step) => ({
    _step: step,
    loss: 1 / (1 + step),
    count: step,
    ...(step >= 20 ? { late: 'yes' } : {}),
  }))
}

before(async () => {
  server = await startTestServer()
  server.addRun({
    ...generateRun({ entity: 'e', project: 'p', id: 'typed1', steps: 1 }),
    history: rows(),
  })
  server.addRun({
    ...generateRun({ entity: 'e', project: 'p', id: 'lag1', steps: 1 }),
    history: rows(),
  })
  // historyKeys that lag the rows: `late` not listed yet.
  const lagging = server.store.run('e', 'p', 'lag1')!
  lagging.historyKeysCache = {
    keys: {
      _step: { typeCounts: [{ type: 'number', count: 30 }] },
      loss: { typeCounts: [{ type: 'number', count: 30 }] },
      count: { typeCounts: [{ type: 'number', count: 30 }] },
    },
    lastStep: 29,
  }
  restoreEnv = useServerEnv(server)
  folder = tempDir('history-schema')
}, { timeout: 60_000 })

after(async () => {
  restoreEnv?.()
  folder.cleanup()
  await server.stop()
})

test('columns come from historyKeys; numbers are floats (1.0) in CSV', async () => {
  const out = join(folder.dir, 'typed.csv')
  const r = await runCli(['history', 'e/p/typed1', '-o', out])
  assert.equal(r.code, 0, r.stderr)
  const lines = readFileSync(out, 'utf8').split('\n')
  assert.equal(lines[0].split(',').sort().join(), '_step,count,late,loss')
  const header = lines[0].split(',')
  const first = Object.fromEntries(lines[1].split(',').map((v, j) => [header[j], v]))
  // W&B's historyKeys says `number` for both: DOUBLE in Parquet, and 1.0 in CSV.
  assert.equal(first.loss, '1.0')
  assert.equal(first._step, '0')
})

test('a key historyKeys did not list: the file is written again with it, and stderr says so', async () => {
  const out = join(folder.dir, 'lag.csv')
  const r = await runCli(['history', 'e/p/lag1', '-o', out])
  assert.equal(r.code, 0, r.stderr)
  assert.match(
    r.stderr,
    /column "late" is not declared.*writing .*lag\.csv again with inferred columns/,
  )
  const text = readFileSync(out, 'utf8')
  assert.ok(text.split('\n')[0].includes('late'))
  assert.equal(text.split('\n').filter((l) => l.endsWith(',yes') || l.includes(',yes,')).length, 10)
})
