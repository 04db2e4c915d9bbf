/**
 * The official SDK as referee for the null rule of src/history/key_selection.ts: on an exported
 * run, wandb 0.31's `scan_history(keys=…)` returns a logged `None` and a key the step never
 * logged alike, and wbx's rows are the SDK's rows with those `None`s taken out (rows left
 * without a requested key dropped). Skips loudly without Python and wandb.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Api } from '../../src/api/api.ts'
import type { KeysMode } from '../../src/history/key_selection.ts'
import { parseJson } from '../../src/json/parse_json.ts'
import type { Row } from '../../src/row.ts'
import { skipWithoutWandbPython } from '../_python.ts'
import { runSdkScript } from '../_sdk_script.ts'
import { seedFromLocalRun } from '../server/local_seed.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { NULL_RUN_ID, writeNullRun } from './_null_run.ts'

const script = fileURLToPath(new URL('./sdk_null_keys.py', import.meta.url))
const PATH = `test-entity/p/${NULL_RUN_ID}`
/** Key lists the SDK scans, and the mode wbx is asked the same question in. */
const QUESTIONS: { keys: string[]; mode: KeysMode }[] = [
  { keys: ['gone'], mode: 'any' },
  { keys: ['acc', 'gone'], mode: 'any' },
  { keys: ['loss', 'acc'], mode: 'all' },
]

/** Runs sdk_null_keys.py (asynchronously: the server lives in this process). */
async function scanWithSdk(server: TestServer, dir: string): Promise<Row[][]> {
  const keys = JSON.stringify(QUESTIONS.map((q) => q.keys))
  const stdout = await runSdkScript(script, [server.baseUrl, server.apiKey, PATH, keys], {
    dir,
    server,
    // Below `bun test --timeout 120000`, so a stuck SDK fails with its stacks rather than a bare timeout.
    timeoutMs: 50_000,
  })
  return parseJson(stdout) as Row[][]
}

/** An SDK row with its `None` values taken out, or undefined when no requested key is left (`all`: when one is missing). */
function withoutNulls(row: Row, keys: string[], mode: KeysMode): Row | undefined {
  const out: Row = { _step: row._step }
  for (const key of keys) if (row[key] !== null && row[key] !== undefined) out[key] = row[key]
  const present = keys.filter((k) => Object.hasOwn(out, k)).length
  return (mode === 'all' ? present === keys.length : present > 0) ? out : undefined
}

describe(
  'the SDK referees the null rule',
  { skip: skipWithoutWandbPython, timeout: 300_000 },
  () => {
    let server: TestServer
    let root: string

    before(async () => {
      root = await mkdtemp(join(tmpdir(), 'wbx-sdk-null-'))
      const folder = await writeNullRun(root)
      server = await startTestServer()
      // Every step exported to Parquet, which the SDK's scan_history reads (no live tail).
      server.store.addRun({ ...await seedFromLocalRun(folder), liveTail: 0 })
    })

    after(async () => {
      await server.stop()
      await rm(root, { recursive: true, force: true })
    })

    it('scan_history(keys) returns a logged None and nothing alike; wbx drops both', async () => {
      const seen = await scanWithSdk(server, root)
      // `gone` was logged as None at steps 1 and 4 and not at all at the other six steps.
      assert.deepEqual(seen[0], Array.from({ length: 8 }, (_, s) => ({ _step: s, gone: null })))

      const api = new Api({ baseUrl: server.baseUrl, apiKey: server.apiKey })
      const run = await api.run(PATH)
      for (const [i, { keys, mode }] of QUESTIONS.entries()) {
        const rows: Row[] = []
        for await (const batch of run.scanHistory({ keys, keysMode: mode, source: 'parquet' })) {
          rows.push(...batch)
        }
        const expected = seen[i].map((r) => withoutNulls(r, keys, mode)).filter((r) =>
          r !== undefined
        )
        assert.deepEqual(rows, expected, `${keys.join(',')} (${mode})`)
      }
      assert.ok(seen[1].length === 8 && seen[2].length === 8, 'the SDK kept every row of the range')
    })
  },
)
