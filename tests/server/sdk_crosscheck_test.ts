import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { parseJson } from '../../src/json/parse_json.ts'
import type { Row } from '../../src/row.ts'
import { skipWithoutWandbPython } from '../_python.ts'
import { runSdkScript } from '../_sdk_script.ts'
import { generateRun } from './generate_run.ts'
import { flattenRow, type HistoryTable } from './history_table.ts'
import type { RunSeed } from './run_seed.ts'
import { basicAuth } from './_client.ts'
import { startTestServer, type TestServer } from './test_server.ts'

const script = fileURLToPath(new URL('./sdk_check.py', import.meta.url))

// deno-lint-ignore no-explicit-any
type Seen = any

/** Runs sdk_check.py against the server (asynchronously: the server lives in this process). */
async function readWithSdk(server: TestServer, path: string): Promise<Seen> {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-sdk-'))
  try {
    // Two attempts (a hung SDK runs once more) fit below `bun test --timeout 120000`.
    const args = [server.baseUrl, server.apiKey, path, dir]
    return parseJson(await runSdkScript(script, args, { dir, server, timeoutMs: 55_000 }))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const common = {
  entity: 'e',
  project: 'p',
  steps: 40,
  sparseEvery: 3,
  nested: true,
  nonFiniteEvery: 7,
}
const FULL: RunSeed = generateRun({
  ...common,
  id: 'full0001',
  seed: 5,
  tags: ['x'],
  group: 'g',
  jobType: 'train',
  notes: 'n',
  parquetFileRows: 15,
  createdAt: '2024-05-01T00:00:00',
  loggedArtifacts: [{ name: 'ds', type: 'dataset', aliases: ['best'] }],
})
const LIVE: RunSeed = generateRun({
  ...common,
  id: 'live0001',
  seed: 6,
  liveTail: 5,
  createdAt: '2024-05-02T00:00:00',
})
const RUNNING: RunSeed = generateRun({
  ...common,
  id: 'runn0001',
  seed: 7,
  state: 'running',
  createdAt: '2024-05-03T00:00:00',
})

const table = (seed: RunSeed) => seed.history as HistoryTable
const allRows = (seed: RunSeed) =>
  Array.from({ length: table(seed).rowCount }, (_, i) => table(seed).rowAt(i))

/** A Parquet-sourced row as the SDK yields it: every column, null where the step logged nothing. */
function parquetRow(row: Row, columns: string[]): Row {
  const flat = flattenRow(row)
  return Object.fromEntries(columns.map((c) => [c, flat[c] ?? null]))
}

test(
  'the official SDK reads a fully exported run: attributes, scan_history via Parquet, history, files, artifacts',
  {
    skip: skipWithoutWandbPython,
    timeout: 300_000,
  },
  async () => {
    const server = await startTestServer({ runs: [FULL, LIVE, RUNNING] })
    try {
      const seen = await readWithSdk(server, 'e/p/full0001')
      const a = seen.attrs
      assert.equal(a.id, 'full0001')
      assert.equal(a.name, 'full0001')
      assert.equal(a.state, 'finished')
      assert.deepEqual(a.tags, ['x'])
      assert.equal(a.created_at, '2024-05-01T00:00:00')
      assert.deepEqual([a.group, a.job_type, a.notes, a.user], ['g', 'train', 'n', 'test-user'])
      assert.deepEqual(a.config, FULL.config)
      assert.deepEqual(a.summary, FULL.summary)
      assert.deepEqual(a.path, ['e', 'p', 'full0001'])
      assert.equal(a.url, `${server.baseUrl}/e/p/runs/full0001`)
      assert.equal(atob(a.storage_id), 'Run:v1:full0001:p:e')
      assert.equal(a.last_history_step, 39)

      const rows = allRows(FULL)
      const columns = [
        '_step',
        '_runtime',
        '_timestamp',
        'loss',
        'acc',
        'lr',
        'eval.score',
        'eval.count',
      ]
      assert.deepEqual(seen.scan, rows.map((r) => parquetRow(r, columns)))
      assert.deepEqual(seen.scan_loss, rows.map((r) => ({ _step: r._step, loss: r.loss })))
      assert.deepEqual(seen.history, rows)
      assert.deepEqual(
        seen.history_acc,
        rows.filter((r) => 'acc' in r).map((r) => ({ _step: r._step, acc: r.acc })),
      )
      const system = FULL.events as HistoryTable
      assert.deepEqual(
        seen.system,
        Array.from({ length: system.rowCount }, (_, i) => system.rowAt(i)),
      )

      const files = [...server.store.run('e', 'p', 'full0001')!.files.values()]
        .sort((x, y) => (x.name < y.name ? -1 : 1))
      assert.deepEqual(seen.files, files.map((f) => [f.name, f.bytes.byteLength, f.md5]))
      const output = FULL.files!.find((f) => f.name === 'output.log')!.content
      assert.equal(seen.output_log, output)
      const metadata = FULL.files!.find((f) => f.name === 'wandb-metadata.json')!.content as string
      assert.deepEqual(seen.metadata, JSON.parse(metadata))
      assert.deepEqual(seen.logged_artifacts, [['ds:v0', 'dataset', 'v0', ['best', 'latest']]])
      assert.deepEqual(seen.runs, ['live0001', 'full0001'])

      const parquetReads = server.requests.filter((r) =>
        r.origin === 'files' && r.path.startsWith('/wandb-history/')
      )
      assert.ok(parquetReads.length >= 3, 'scan_history read the three Parquet partitions')
      assert.ok(
        !server.requests.some((r) => r.operation === 'HistoryPage'),
        'no live tail, so no live page',
      )
      const graphql = server.requests.filter((r) => r.path === '/graphql')
      assert.deepEqual(graphql.filter((r) => r.status !== 200).map((r) => r.operation), [])
      const sent = new Set(graphql.map((r) => r.operation))
      for (
        const op of [
          'Viewer',
          'Run',
          'RunHistoryKeys',
          'RunParquetHistory',
          'RunFullHistory',
          'RunSampledHistory',
          'RunFiles',
          'RunOutputArtifacts',
          'Runs',
        ]
      ) assert.ok(sent.has(op), `the SDK sent ${op} and got a 200 answer`)
      assertKeyStayedHome(server)
    } finally {
      await server.stop()
    }
  },
)

test('the official SDK scans a run with a live tail: Parquet rows plus the live page', {
  skip: skipWithoutWandbPython,
  timeout: 300_000,
}, async () => {
  const server = await startTestServer({ runs: [FULL, LIVE, RUNNING] })
  try {
    const seen = await readWithSdk(server, 'e/p/live0001')
    const rows = allRows(LIVE)
    const scanned: Row[] = seen.scan
    assert.deepEqual(
      [...new Set(scanned.map((r) => r._step))],
      rows.map((r) => r._step),
      'every step, in order',
    )
    for (const live of rows.slice(35)) {
      assert.ok(
        scanned.some((r) => equalRow(r, live)),
        `live step ${live._step} came from the live page`,
      )
    }
    const scannedLoss: Row[] = seen.scan_loss
    for (const live of rows.slice(35)) {
      assert.ok(
        scannedLoss.some((r) => equalRow(r, { _step: live._step, loss: live.loss })),
        `keyed scan has live step ${live._step}`,
      )
    }
    const ops = server.requests.map((r) => r.operation).filter(Boolean)
    assert.ok(ops.includes('SampledHistoryPage'), 'the keyed scan asked for the live tail by keys')
    assert.ok(
      ops.indexOf('HistoryPage') > ops.indexOf('RunParquetHistory'),
      'the live page followed the export lookup',
    )
    const duplicates = scanned.length - rows.length
    assert.ok(duplicates >= 0)
    process.stderr.write(
      `note: the SDK's scan_history returned ${scanned.length} rows for ${rows.length} steps ` +
        `(${duplicates} repeated: it does not trim the live page to the unexported steps)\n`,
    )
    assertKeyStayedHome(server)
  } finally {
    await server.stop()
  }
})

function equalRow(a: Row, b: Row): boolean {
  try {
    assert.deepEqual(a, b)
    return true
  } catch {
    return false
  }
}

/** The API key went only to the API origin: never to the files origin, never in a URL. */
function assertKeyStayedHome(server: TestServer): void {
  const files = server.requests.filter((r) => r.origin === 'files')
  assert.ok(files.length > 0)
  for (const r of server.requests) {
    assert.ok(!r.url.includes(server.apiKey), `key in URL ${r.url}`)
    if (r.origin === 'files') {
      assert.equal(r.headers.authorization, undefined, `authorization sent to ${r.path}`)
      assert.ok(!JSON.stringify(r.headers).includes(server.apiKey))
    } else if (r.path === '/graphql') {
      assert.equal(r.headers.authorization, basicAuth(server.apiKey))
      assert.match(r.headers['user-agent'], /^W&B Public Client /)
    }
  }
}
