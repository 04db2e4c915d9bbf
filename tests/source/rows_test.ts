/**
 * The one row vocabulary: `wbx files`, `artifacts`, `info` and `runs` give the same snake_case
 * columns for a local run folder and for the same run served by the test server, and the bulk
 * export's runs and artifacts tables use the same names.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../cli/_run_cli.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { ownFixturesDir } from '../_fixtures.ts'
import { exportProject } from '../../src/bulk/bulk_export.ts'
import type { RunQuery } from '../../src/bulk/run_query.ts'
import {
  ARTIFACT_COLUMNS,
  ARTIFACT_ENTRY_COLUMNS,
  artifactEntryRow,
  artifactFileEntry,
  artifactRow,
  attributeName,
  FILE_COLUMNS,
  fileRow,
  INFO_COLUMNS,
  infoRow,
  RUN_COLUMNS,
  RUN_TABLE_COLUMNS,
  runRow,
} from '../../src/source/rows.ts'
import { setEnv } from '../_env.ts'

const SAMPLE = 'samples/wandb/latest-run'
const REMOTE = 'demo-team/wbx-demo/wbxdemo1'
const WANDB = join(ownFixturesDir, 'runs/wandb')
const ARTIFACTS = join(WANDB, 'offline-run-20261128_072704-wbxartifacts')
const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/
let server: TestServer
let remoteArtifacts = ''
let artifactsProject = ''
let restoreEnv = () => {}
const out = mkdtempSync(join(tmpdir(), 'wbx-rows-'))

before(async () => {
  server = await startTestServer()
  await server.addLocalRun(SAMPLE, { entity: 'demo-team' })
  const record = await server.addLocalRun(ARTIFACTS, { entity: 'demo-team' })
  artifactsProject = `demo-team/${record.project.name}`
  remoteArtifacts = `${artifactsProject}/wbxartifacts`
  restoreEnv = setEnv({ WANDB_BASE_URL: server.baseUrl, WANDB_API_KEY: server.apiKey })
})

after(async () => {
  restoreEnv()
  await server.stop()
  rmSync(out, { recursive: true, force: true })
})

function ndjson(text: string): Record<string, unknown>[] {
  return text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))
}

/** A command's NDJSON rows; it must succeed. */
async function rows(args: string[]): Promise<Record<string, unknown>[]> {
  const r = await runCli([...args, '--format', 'ndjson'])
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
  return ndjson(r.stdout)
}

/** Asserts every row has exactly `columns`, in order. */
function assertColumns(list: Record<string, unknown>[], columns: readonly string[], what: string) {
  assert.ok(list.length > 0, `${what}: no rows`)
  for (const row of list) assert.deepEqual(Object.keys(row), [...columns], what)
}

test('every column name is snake_case, read from its camelCase attribute', () => {
  const all = [
    FILE_COLUMNS,
    ARTIFACT_COLUMNS,
    ARTIFACT_ENTRY_COLUMNS,
    RUN_COLUMNS,
    INFO_COLUMNS,
  ].flat()
  for (const column of all) assert.match(column, SNAKE)
  assert.equal(attributeName('size_bytes'), 'sizeBytes')
  assert.equal(attributeName('birth_artifact_id'), 'birthArtifactId')
  assert.equal(attributeName('name'), 'name')
  assert.deepEqual(RUN_COLUMNS.slice(0, RUN_TABLE_COLUMNS.length), [...RUN_TABLE_COLUMNS])
})

test('the builders give every column, null where the source does not know it', () => {
  const file = fileRow({ name: 'a.txt', sizeBytes: 3, mimetype: null, updatedAt: null })
  assert.deepEqual(Object.keys(file), [...FILE_COLUMNS])
  assert.equal(file.size_bytes, 3)
  assert.equal(file.direct_url, null)
  const art = artifactRow('used', { name: 'd', type: 'dataset', version: 'v1', fileCount: 2 })
  assert.deepEqual(Object.keys(art), [...ARTIFACT_COLUMNS])
  assert.equal(art.direction, 'used')
  assert.equal(art.file_count, 2)
  assert.equal(art.created_at, null)
  const entry = artifactEntryRow({ artifact: 'd', type: 'dataset', path: 'x', ref: '' })
  assert.deepEqual(entry, {
    artifact: 'd',
    type: 'dataset',
    path: 'x',
    digest: null,
    size: null,
    ref: null,
    birth_artifact_id: null,
  })
  const run = runRow({ runId: 'r1', jobType: 'train', sizeBytes: 10 })
  assert.deepEqual(Object.keys(run), [...RUN_COLUMNS])
  assert.equal(run.job_type, 'train')
  assert.equal(run.size_bytes, 10)
  const info = infoRow({ id: 'r1', git: { remoteUrl: 'u', commit: 'c' } })
  assert.deepEqual(Object.keys(info), [...INFO_COLUMNS])
  assert.deepEqual(info.git, { remote_url: 'u', commit: 'c' })
})

test('wbx files: the same snake_case columns for a local folder and a served run', async () => {
  const local = await rows(['files', SAMPLE])
  const remote = await rows(['files', REMOTE])
  assertColumns(local, FILE_COLUMNS, 'local files')
  assertColumns(remote, FILE_COLUMNS, 'remote files')
  assert.ok(local.every((f) => f.present === true && typeof f.path === 'string'))
  assert.ok(local.every((f) => f.md5 === null && f.url === null), 'no --md5: not computed')
  assert.ok(remote.every((f) => typeof f.md5 === 'string' && f.path === null))
  const md5 = await rows(['files', SAMPLE, '--md5'])
  assertColumns(md5, FILE_COLUMNS, 'local files --md5')
  // The local MD5 is the one the server stores for the same bytes.
  const byName = new Map(remote.map((f) => [f.name, f.md5]))
  for (const f of md5) assert.equal(f.md5, byName.get(f.name), String(f.name))
})

test('wbx artifacts (and --entries): the same columns for both sources', async () => {
  assertColumns(await rows(['artifacts', ARTIFACTS]), ARTIFACT_COLUMNS, 'local artifacts')
  assertColumns(await rows(['artifacts', remoteArtifacts]), ARTIFACT_COLUMNS, 'remote artifacts')
  const used = await rows(['artifacts', ARTIFACTS, '--direction', 'used'])
  assert.equal(used.length, 0, 'the fixture run used no artifact')
  assertColumns(await rows(['artifacts', ARTIFACTS, '--entries']), ARTIFACT_ENTRY_COLUMNS, 'local')
})

test('wbx info: the same snake_case keys for both sources', async () => {
  for (const source of [SAMPLE, REMOTE]) {
    const r = await runCli(['info', source, '--json'])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(Object.keys(JSON.parse(r.stdout)), [...INFO_COLUMNS], source)
  }
  // The one-row table (--format) has the same columns.
  const [row] = await rows(['info', SAMPLE])
  assert.deepEqual(Object.keys(row), [...INFO_COLUMNS])
})

test('wbx runs: the same columns for a wandb/ folder and a project', async () => {
  const local = await rows(['runs', 'samples/wandb'])
  const remote = await rows(['runs', 'demo-team/wbx-demo'])
  assertColumns(local, RUN_COLUMNS, 'local runs')
  assertColumns(remote, RUN_COLUMNS, 'remote runs')
  assert.deepEqual(remote.map((r) => r.run_id), local.map((r) => r.run_id))
  assert.equal(local[0].name, remote[0].name)
  assert.equal(typeof local[0].size_bytes, 'number')
  assert.equal(remote[0].history_line_count, 300)
  const full = await rows(['runs', 'demo-team/wbx-demo', '--full'])
  assert.equal(full[0].last_history_step, 299)
})

test('the bulk runs and artifacts tables use the CLI names', async () => {
  const sources: [string, string, RunQuery][] = [
    ['local', WANDB, { runs: ['wbxartifacts'] }],
    ['remote', artifactsProject, {}],
  ]
  for (const [name, source, query] of sources) {
    const dir = join(out, name)
    const result = await exportProject({
      source,
      out: dir,
      query,
      format: 'ndjson',
      include: { history: false, system: false, files: false, logs: false, artifacts: true },
      api: { baseUrl: server.baseUrl, apiKey: server.apiKey },
    })
    assert.deepEqual(result.failures, [], name)
    const runsTable = ndjson(readFileSync(join(dir, 'runs.ndjson'), 'utf8'))
    assert.equal(runsTable.length, 1, name)
    const leading = Object.keys(runsTable[0]).filter((k) => !/^(config|summary)\./.test(k))
    assert.deepEqual(leading, [...RUN_TABLE_COLUMNS], name)
    for (const column of leading) assert.ok(RUN_COLUMNS.includes(column), column)
    const artifacts = ndjson(
      readFileSync(join(dir, 'artifacts/run_id=wbxartifacts/part-00000.ndjson'), 'utf8'),
    )
    assertColumns(artifacts, ARTIFACT_COLUMNS, `${name} bulk artifacts`)
  }
})

test('artifactFileEntry names the artifact and nulls what a source does not know', () => {
  const artifact = { name: 'model', type: 'weights', version: 'v0' }
  assert.deepEqual(
    artifactFileEntry(artifact, {
      path: 'w.bin',
      digest: 'abc=',
      size: 12,
      ref: '',
      birthArtifactId: '',
    }),
    {
      artifact: 'model',
      type: 'weights',
      path: 'w.bin',
      digest: 'abc=',
      size: 12,
      ref: null,
      birthArtifactId: null,
    },
  )
  assert.deepEqual(
    artifactFileEntry(artifact, { path: 'r', ref: 's3://b/k', birthArtifactId: 'QXJ0' }),
    {
      artifact: 'model',
      type: 'weights',
      path: 'r',
      digest: undefined,
      size: null,
      ref: 's3://b/k',
      birthArtifactId: 'QXJ0',
    },
  )
})
