/**
 * One run, two sources, one `--keys` rule: the same run read as a local folder and served by the
 * test server (Parquet exports plus a live tail, GraphQL pages) gives identical rows and the same
 * never-logged report, for the library's `scanHistory({keys})` and for `wbx history --keys`.
 * A null value counts as not logged (src/history/key_selection.ts, docs/history-keys.md).
 */
import process from 'node:process'
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Api } from '../../src/api/api.ts'
import { LocalRun } from '../../src/local/local_run.ts'
import type { KeysMode } from '../../src/history/key_selection.ts'
import type { Row } from '../../src/row.ts'
import { NULL_RUN_ID as RUN_ID, writeNullRun as writeRun } from './_null_run.ts'
import { runCli } from '../cli/_run_cli.ts'
import { seedFromLocalRun } from '../server/local_seed.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'

const REMOTE = `test-entity/p/${RUN_ID}`
const SOURCES = ['parquet', 'graphql', 'auto'] as const
/** A run the SDK 0.31 wrote itself (tests/fixtures): `none` is logged as `None` at every step. */
const TYPED = 'tests/fixtures/runs/wandb/offline-run-20261128_072712-wbxtyped'
const TYPED_REMOTE = 'test-entity/wbx-fixtures/wbxtyped'

/** One selection: keys, mode, step range, and the rows and report every source must give. */
interface Case {
  name: string
  keys: string[]
  keysMode?: KeysMode
  minStep?: number
  maxStep?: number
  rows: Row[]
  missing: string[]
  /** What `wbx history` prints on stderr. */
  stderr: string
}

const CASES: Case[] = [
  {
    name: 'any: null acc drops out, the null-only key and the unlogged key are missing',
    keys: ['acc', 'gone', 'eval.score', 'nope'],
    rows: [
      { _step: 0, acc: 0 },
      { _step: 2, acc: 0.2, 'eval.score': 6 },
      { _step: 4, acc: 0.4 },
      { _step: 5, 'eval.score': 15 },
      { _step: 6, acc: 0.6 },
    ],
    missing: ['gone', 'nope'],
    stderr: 'wbx: keys never logged in this run: gone, nope\n',
  },
  {
    name: 'all: rows with a value for every key (as the SDK documents)',
    keys: ['loss', 'acc'],
    keysMode: 'all',
    rows: [0, 2, 4, 6].map((s) => ({ _step: s, loss: 1 / (s + 1), acc: s / 10 })),
    missing: [],
    stderr: '',
  },
  {
    name: 'a key logged only as null selects nothing and is reported',
    keys: ['gone'],
    rows: [],
    missing: ['gone'],
    stderr: 'wbx: keys never logged in this run: gone\n',
  },
  {
    name: 'a step range: the report covers the selected steps',
    keys: ['acc', 'eval.score'],
    minStep: 5,
    maxStep: 7,
    rows: [{ _step: 5, 'eval.score': 15 }, { _step: 6, acc: 0.6 }],
    missing: [],
    stderr: '',
  },
  {
    name: 'a step range where a key has only nulls',
    keys: ['loss', 'eval.score'],
    minStep: 6,
    rows: [{ _step: 6, loss: 1 / 7 }, { _step: 7, loss: 1 / 8 }],
    missing: ['eval.score'],
    stderr: 'wbx: keys never logged in this run: eval.score (only steps ≥ 6 were read)\n',
  },
]

/** Reads a batched stream into one array. */
async function drain(stream: ReadableStream<Row[]>): Promise<Row[]> {
  const rows: Row[] = []
  for await (const batch of stream) rows.push(...batch)
  return rows
}

/** The CLI arguments of a case. */
function cliArgs(c: Case): string[] {
  const args = ['--keys', c.keys.join(','), '--format', 'ndjson']
  if (c.keysMode) args.push('--keys-mode', c.keysMode)
  if (c.minStep !== undefined) args.push('--min-step', String(c.minStep))
  if (c.maxStep !== undefined) args.push('--max-step', String(c.maxStep))
  return args
}

describe('--keys on a local folder and on the same run served by a W&B server', () => {
  let server: TestServer
  let root: string
  let folder: string
  const savedEnv: Record<string, string | undefined> = {}

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'wbx-null-keys-'))
    folder = await writeRun(root)
    // Steps 0-4 in two Parquet export files, steps 5-7 only as live rows.
    server = await startTestServer({ exportDefaults: { liveTail: 3, parquetFileRows: 3 } })
    await server.addLocalRun(folder)
    // Its three steps all in one Parquet export (no live tail).
    server.store.addRun({ ...await seedFromLocalRun(TYPED), liveTail: 0 })
    for (const name of ['WANDB_BASE_URL', 'WANDB_API_KEY']) savedEnv[name] = process.env[name]
    process.env.WANDB_BASE_URL = server.baseUrl
    process.env.WANDB_API_KEY = server.apiKey
  })

  after(async () => {
    for (const [name, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
    await server.stop()
    await rm(root, { recursive: true, force: true })
  })

  it('the run holds the nulls the cases rely on, on both sides', async () => {
    const local = await drain((await LocalRun.open(folder)).scanHistory())
    assert.deepEqual(local[1], { _step: 1, loss: 0.5, acc: null, gone: null })
    assert.deepEqual(local[6], { _step: 6, loss: 1 / 7, acc: 0.6, eval: { score: null } })
    const stored = server.store.run('test-entity', 'p', RUN_ID)
    assert.ok(stored, 'the server holds the run')
  })

  for (const c of CASES) {
    it(`scanHistory: ${c.name}`, async () => {
      const options = { keys: c.keys, keysMode: c.keysMode, minStep: c.minStep, maxStep: c.maxStep }
      let localMissing: string[] = []
      const run = await LocalRun.open(folder, { metadata: 'minimal' })
      const local = await drain(
        run.scanHistory({ ...options, onMissingKeys: (k) => (localMissing = k) }),
      )
      assert.deepEqual(local, c.rows, 'local rows')
      assert.deepEqual(localMissing, c.missing, 'local missing keys')
      const api = new Api({ baseUrl: server.baseUrl, apiKey: server.apiKey })
      const remoteRun = await api.run(REMOTE)
      for (const source of SOURCES) {
        let remoteMissing: string[] = []
        const remote = await drain(
          remoteRun.scanHistory({ ...options, source, onMissingKeys: (k) => (remoteMissing = k) }),
        )
        assert.deepEqual(remote, local, `${source}: same rows as the local folder`)
        assert.deepEqual(remoteMissing, localMissing, `${source}: same missing keys`)
      }
    })

    it(`wbx history: ${c.name}`, async () => {
      const local = await runCli(['history', folder, ...cliArgs(c)])
      assert.equal(local.code, 0, local.stderr)
      const lines = local.stdout.split('\n').filter(Boolean)
      assert.deepEqual(lines.map((l) => JSON.parse(l)), c.rows)
      assert.equal(local.stderr, c.stderr)
      for (const source of SOURCES) {
        const remote = await runCli(['history', REMOTE, '--source', source, ...cliArgs(c)])
        assert.equal(remote.code, 0, `${source}: ${remote.stderr}`)
        assert.equal(remote.stdout, local.stdout, `${source}: same bytes on stdout`)
        assert.equal(remote.stderr, local.stderr, `${source}: same stderr`)
      }
    })
  }

  it('an SDK-written run: a key logged as None at every step is never logged', async () => {
    const args = ['--keys', 'int,none,nope', '--format', 'ndjson']
    const local = await runCli(['history', TYPED, ...args])
    assert.equal(local.code, 0, local.stderr)
    assert.deepEqual(
      local.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)),
      [0, 1, 2].map((i) => ({ _step: i, int: i })),
    )
    assert.equal(local.stderr, 'wbx: keys never logged in this run: none, nope\n')
    for (const source of SOURCES) {
      const remote = await runCli(['history', TYPED_REMOTE, '--source', source, ...args])
      assert.equal(remote.code, 0, `${source}: ${remote.stderr}`)
      assert.equal(remote.stdout, local.stdout, `${source}: same bytes on stdout`)
      assert.equal(remote.stderr, local.stderr, `${source}: same stderr`)
    }
  })
})
