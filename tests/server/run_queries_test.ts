import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  GET_VIEWER_QUERY,
  RUN_CONSOLE_LOG_PAGE_QUERY,
  RUN_CONSOLE_LOG_TAIL_QUERY,
  RUN_FULL_QUERY,
  RUN_HISTORY_KEYS_QUERY,
  RUN_LAZY_QUERY,
  RUN_STATE_QUERY,
  SERVER_FEATURES_QUERY,
  VIEWER_QUERY,
} from '../../src/api/queries.ts'
import { parseJson } from '../../src/json/parse_json.ts'
import { startTestServer, type TestServer } from './test_server.ts'
import type { RunSeed } from './run_seed.ts'
import { gqlData } from './_client.ts'

const SEED: RunSeed = {
  entity: 'acme',
  project: 'vision',
  id: 'abc123xy',
  displayName: 'brisk-fox-7',
  state: 'crashed',
  tags: ['baseline', 'gpu'],
  group: 'sweep-a',
  jobType: 'train',
  notes: 'first try',
  commit: 'deadbeef',
  host: 'node-1',
  createdAt: '2024-03-04T05:06:07',
  heartbeatAt: '2024-03-04T06:00:00',
  user: { name: 'Ada', username: 'ada' },
  config: { lr: 0.01, layers: [64, 32], _wandb: { cli_version: '0.31.0' } },
  summary: { loss: NaN, best: Infinity, nested: { a: 1 } },
  history: [
    { _step: 0, loss: 1.5, nested: { a: 1 } },
    { _step: 1, loss: NaN, img: { _type: 'image-file', path: 'media/x.png' } },
    { _step: 3, loss: 0.5, acc: 0.9 },
  ],
  events: [{ 'system.cpu': 10, _runtime: 1, _timestamp: 100 }, {
    'system.cpu': 30,
    _runtime: 2,
    _timestamp: 101,
  }],
  logLines: [{ line: 'hello' }, { line: 'oops', level: 'error' }, { line: 'bye' }],
}

async function withServer(fn: (s: TestServer) => Promise<void>): Promise<void> {
  const server = await startTestServer({
    runs: [SEED],
    viewer: { username: 'ada', entity: 'acme', teams: ['acme-team'] },
  })
  try {
    await fn(server)
  } finally {
    await server.stop()
  }
}

const vars = { entity: 'acme', project: 'vision', name: 'abc123xy' }

test('Run with the full fragment returns every attribute the SDK reads', async () => {
  await withServer(async (server) => {
    const data = await gqlData(server, RUN_FULL_QUERY.document, vars)
    const run = data.project.run
    assert.equal(run.name, 'abc123xy')
    assert.equal(run.displayName, 'brisk-fox-7')
    assert.equal(run.state, 'crashed')
    assert.deepEqual(run.tags, ['baseline', 'gpu'])
    assert.equal(run.group, 'sweep-a')
    assert.equal(run.jobType, 'train')
    assert.equal(run.notes, 'first try')
    assert.equal(run.commit, 'deadbeef')
    assert.equal(run.createdAt, '2024-03-04T05:06:07')
    assert.equal(run.heartbeatAt, '2024-03-04T06:00:00')
    assert.deepEqual(run.user, { name: 'Ada', username: 'ada' })
    assert.equal(run.projectId, server.store.project('acme', 'vision')!.internalId)
    assert.equal(atob(run.id), 'Run:v1:abc123xy:vision:acme')
    assert.equal(run.historyLineCount, 3)
    assert.equal(run.readOnly, false)
    assert.deepEqual(JSON.parse(run.config), {
      lr: { value: 0.01, desc: null },
      layers: { value: [64, 32], desc: null },
      _wandb: { value: { cli_version: '0.31.0' }, desc: null },
    })
    assert.equal(run.summaryMetrics, '{"loss":NaN,"best":Infinity,"nested":{"a":1}}')
    assert.deepEqual(parseJson(run.systemMetrics), { 'system.cpu': 30 })
    assert.deepEqual(run.historyKeys, {
      keys: {
        _step: { typeCounts: [{ type: 'number', count: 3 }], previousValue: 3 },
        loss: { typeCounts: [{ type: 'number', count: 3 }], previousValue: 0.5 },
        'nested.a': { typeCounts: [{ type: 'number', count: 1 }], previousValue: 1 },
        img: {
          typeCounts: [{ type: 'image-file', count: 1 }],
          previousValue: { _type: 'image-file', path: 'media/x.png' },
        },
        acc: { typeCounts: [{ type: 'number', count: 1 }], previousValue: 0.9 },
      },
      lastStep: 3,
    })
  })
})

test('Run with the lightweight fragment leaves out exactly the four heavy fields', async () => {
  await withServer(async (server) => {
    const run = (await gqlData(server, RUN_LAZY_QUERY.document, vars)).project.run
    for (const heavy of ['config', 'systemMetrics', 'summaryMetrics', 'historyKeys']) {
      assert.equal(heavy in run, false, heavy)
    }
    assert.equal(run.state, 'crashed')
    assert.equal(typeof run.projectId, 'number')
  })
})

test('a missing run or project answers null, as the real server does', async () => {
  await withServer(async (server) => {
    const noRun = await gqlData(server, RUN_FULL_QUERY.document, { ...vars, name: 'nope' })
    assert.deepEqual(noRun, { project: { run: null } })
    const noProject = await gqlData(server, RUN_STATE_QUERY.document, { ...vars, project: 'nope' })
    assert.deepEqual(noProject, { project: null })
  })
})

test('RunState and RunHistoryKeys answer the state and lastStep', async () => {
  await withServer(async (server) => {
    assert.equal(
      (await gqlData(server, RUN_STATE_QUERY.document, vars)).project.run.state,
      'crashed',
    )
    const keys =
      (await gqlData(server, RUN_HISTORY_KEYS_QUERY.document, vars)).project.run.historyKeys
    assert.equal(keys.lastStep, 3)
  })
})

test('console lines: the last N, and forward pages by endCursor', async () => {
  await withServer(async (server) => {
    const tail = await gqlData(server, RUN_CONSOLE_LOG_TAIL_QUERY.document, {
      ...vars,
      runName: 'abc123xy',
      last: 2,
    })
    assert.equal(tail.project.run.logLineCount, 3)
    assert.deepEqual(
      tail.project.run.logLines.edges.map((
        e: { node: { number: number; line: string; level: string } },
      ) => [
        e.node.number,
        e.node.line,
        e.node.level,
      ]),
      [[1, 'oops', 'error'], [2, 'bye', '']],
    )
    const pageVars = { ...vars, runName: 'abc123xy', first: 2, after: null }
    const p1 =
      (await gqlData(server, RUN_CONSOLE_LOG_PAGE_QUERY.document, pageVars)).project.run.logLines
    assert.deepEqual(p1.edges.map((e: { node: { line: string } }) => e.node.line), [
      'hello',
      'oops',
    ])
    assert.equal(p1.pageInfo.hasNextPage, true)
    const p2 = (await gqlData(server, RUN_CONSOLE_LOG_PAGE_QUERY.document, {
      ...pageVars,
      after: p1.pageInfo.endCursor,
    })).project.run.logLines
    assert.deepEqual(p2.edges.map((e: { node: { line: string } }) => e.node.line), ['bye'])
    assert.equal(p2.pageInfo.hasNextPage, false)
  })
})

test('viewer documents answer the configured user, entity and teams; serverInfo answers features', async () => {
  await withServer(async (server) => {
    const v = (await gqlData(server, VIEWER_QUERY.document)).viewer
    assert.equal(v.entity, 'acme')
    assert.equal(v.username, 'ada')
    assert.deepEqual(v.teams.edges.map((e: { node: { name: string } }) => e.node.name), [
      'acme-team',
    ])
    const full = (await gqlData(server, GET_VIEWER_QUERY.document)).viewer
    assert.equal(full.apiKeys.edges.length, 1)
    assert.equal(full.flags, '{}')
    assert.deepEqual(
      (await gqlData(server, SERVER_FEATURES_QUERY.document)).serverInfo.features,
      [],
    )
  })
})
