import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { asyncBufferFromUrl, parquetReadObjects } from 'hyparquet'
import {
  HISTORY_PAGE_QUERY,
  RUN_CONSOLE_LOG_PAGE_QUERY,
  RUN_FILES_QUERY,
  RUN_FULL_EVENTS_QUERY,
  RUN_FULL_QUERY,
  RUN_PARQUET_HISTORY_QUERY,
} from '../../src/api/queries.ts'
import { parseJson } from '../../src/json/parse_json.ts'
import { LocalRun } from '../../src/local/local_run.ts'
import type { Row } from '../../src/row.ts'
import { ownFixturesDir, sharedFixture, skipWithoutSharedFixtures } from '../_fixtures.ts'
import { flattenRow } from './history_table.ts'
import { startTestServer, type TestServer } from './test_server.ts'
import { gqlData } from './_client.ts'

const runsDir = join(ownFixturesDir, 'runs', 'wandb')

/** The newest folder of the project's own fixture run with this id. */
function fixtureRun(id: string): string {
  const names = readdirSync(runsDir).filter((n) => n.endsWith(`-${id}`)).sort()
  if (names.length === 0) throw new Error(`fixture run ${id} not found in ${runsDir}`)
  return join(runsDir, names[names.length - 1])
}

async function collect(stream: ReadableStream<Row[]>): Promise<Row[]> {
  const out: Row[] = []
  for await (const batch of stream) out.push(...batch)
  return out
}

async function served(s: TestServer, entity: string, project: string, id: string): Promise<Row[]> {
  const vars = { entity, project, run: id, minStep: 0, maxStep: 1_000_000, pageSize: 1_000_000 }
  const lines: string[] = (await gqlData(s, HISTORY_PAGE_QUERY.document, vars)).project.run.history
  return lines.map((l) => parseJson(l) as Row)
}

for (const id of ['wbxnaninf', 'wbxnested', 'wbxmedia', 'wbxconsole', 'wbxsystem']) {
  test(`a local run (${id}) is served with the same rows, attributes, files and console lines`, async () => {
    const dir = fixtureRun(id)
    const local = await LocalRun.open(dir)
    const server = await startTestServer({ exportDefaults: { liveTail: 2 } })
    try {
      const record = await server.addLocalRun(dir)
      const { entity, name: project } = record.project
      assert.equal(entity, local.entity || 'test-entity')
      const history = await collect(local.scanHistory())
      assert.deepEqual(await served(server, entity, project, id), history)

      const run =
        (await gqlData(server, RUN_FULL_QUERY.document, { entity, project, name: id })).project.run
      assert.equal(run.state, local.state)
      assert.equal(run.historyLineCount, history.length)
      assert.equal(run.createdAt, local.createdAt!.slice(0, 19))
      assert.deepEqual(parseJson(run.summaryMetrics), local.summary)
      const config = parseJson(run.config) as Record<string, { value: unknown }>
      assert.deepEqual(
        Object.fromEntries(Object.entries(config).map(([k, v]) => [k, v.value])),
        local.rawconfig,
      )
      assert.equal(run.historyKeys.lastStep, local.lastHistoryStep)

      const system = await collect(local.scanSystemMetrics())
      const events = (await gqlData(server, RUN_FULL_EVENTS_QUERY.document, {
        entity,
        project,
        name: id,
        samples: 100_000,
      }))
        .project.run.events.map((l: string) => parseJson(l))
      assert.deepEqual(events, system)

      const files = (await gqlData(server, RUN_FILES_QUERY.document, {
        entity,
        project,
        name: id,
        fileLimit: 100,
      }))
        .project.run.files.edges.map((e: { node: { name: string; md5: string } }) => e.node)
      const localFiles = (await local.files()).filter((f) => f.path !== null)
      assert.deepEqual(files.map((f: { name: string }) => f.name), localFiles.map((f) => f.name))
      for (let i = 0; i < files.length; i++) assert.equal(files[i].md5, await localFiles[i].md5())

      const lines: string[] = []
      for await (const batch of local.consoleLines()) lines.push(...batch.map((l) => l.text))
      const vars = { entity, project, runName: id, first: 100_000, after: null }
      const logLines =
        (await gqlData(server, RUN_CONSOLE_LOG_PAGE_QUERY.document, vars)).project.run.logLines
      assert.deepEqual(logLines.edges.map((e: { node: { line: string } }) => e.node.line), lines)

      const pq = (await gqlData(server, RUN_PARQUET_HISTORY_QUERY.document, {
        entity,
        project,
        runName: id,
        liveKeys: ['_step'],
      }))
        .project.run.parquetHistory
      const exported: Row[] = []
      for (const url of pq.parquetUrls) {
        exported.push(...await parquetReadObjects({ file: await asyncBufferFromUrl({ url }) }))
      }
      assert.equal(exported.length + pq.liveData.length, history.length)
      assert.deepEqual(
        pq.liveData.map((r: Row) => r._step),
        history.slice(exported.length).map((r) => r._step),
      )
      exported.forEach((row, i) => {
        const flat = flattenRow(history[i])
        for (const [k, v] of Object.entries(row)) {
          if (k === '_step') assert.equal(v, BigInt(history[i]._step as number))
          else if (typeof v === 'string' && typeof flat[k] !== 'string') {
            assert.equal(parseJson(v) !== undefined, true)
          } else assert.deepEqual(v, flat[k] ?? null, `${id} step ${i} key ${k}`)
        }
      })
    } finally {
      await server.stop()
    }
  })
}

test('logged artifacts of a local run are listed with their names, types and aliases', async () => {
  const server = await startTestServer()
  try {
    const local = await LocalRun.open(fixtureRun('wbxartifacts'))
    const record = await server.addLocalRun(fixtureRun('wbxartifacts'))
    const names = record.loggedArtifacts.map((a) => [a.collection.name, a.type, a.versionIndex])
    const expected = (await local.loggedArtifacts()).map((a) => [a.name, a.type, 0])
    assert.deepEqual(names, expected)
    assert.ok(expected.length >= 1)
  } finally {
    await server.stop()
  }
})

test('the shared 2021 offline run (legacy writer) seeds like any other', {
  skip: skipWithoutSharedFixtures,
}, async () => {
  const dir = sharedFixture('wandb-offline-run-2021')
  const local = await LocalRun.open(dir)
  const server = await startTestServer()
  try {
    const record = await server.addLocalRun(dir, { entity: 'legacy', project: 'old' })
    assert.equal(record.name, local.id)
    const rows = await served(server, record.project.entity, record.project.name, record.name)
    assert.deepEqual(rows, await collect(local.scanHistory()))
    assert.equal(record.project.entity, 'legacy', 'the offline run had no entity')
    assert.equal(record.project.name, local.project)
    const vars = { entity: 'legacy', project: local.project, name: local.id }
    const run = (await gqlData(server, RUN_FULL_QUERY.document, vars)).project.run
    assert.deepEqual(parseJson(run.summaryMetrics), local.summary)
    const config = parseJson(run.config) as Record<string, { value: unknown }>
    assert.deepEqual(
      Object.fromEntries(Object.entries(config).map(([k, v]) => [k, v.value])),
      local.rawconfig,
    )
    const files = [...record.files.keys()].sort()
    assert.deepEqual(
      files,
      (await local.files()).filter((f) => f.path !== null).map((f) => f.name).sort(),
    )
    assert.ok(files.includes('wandb-metadata.json') && files.includes('output.log'), files.join())
  } finally {
    await server.stop()
  }
})
