import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RUNS_FULL_QUERY, RUNS_LAZY_QUERY } from '../../src/api/queries.ts'
import { startTestServer, type TestServer } from './test_server.ts'
import type { RunSeed } from './run_seed.ts'
import { gql, gqlData } from './_client.ts'

function seed(id: string, day: number, extra: Partial<RunSeed>): RunSeed {
  return { entity: 'e', project: 'p', id, createdAt: `2024-01-0${day}T00:00:00`, ...extra }
}

const RUNS: RunSeed[] = [
  seed('r1', 1, {
    state: 'finished',
    tags: ['a'],
    displayName: 'alpha',
    config: { lr: 0.1 },
    summary: { loss: 0.5 },
  }),
  seed('r2', 2, {
    state: 'running',
    tags: ['b'],
    displayName: 'beta',
    config: { lr: 0.01 },
    summary: { loss: 0.2 },
  }),
  seed('r3', 3, {
    state: 'crashed',
    tags: ['a', 'b'],
    displayName: 'gamma',
    config: { lr: 0.001 },
    summary: { loss: 0.9 },
  }),
  seed('r4', 4, { state: 'finished', tags: [], displayName: 'delta', config: {}, summary: {} }),
  seed('r5', 5, {
    state: 'finished',
    tags: ['c'],
    displayName: 'alpha-2',
    config: { lr: 0.1 },
    summary: { loss: NaN },
  }),
]

async function withServer(fn: (s: TestServer) => Promise<void>): Promise<void> {
  const server = await startTestServer({ runs: RUNS })
  try {
    await fn(server)
  } finally {
    await server.stop()
  }
}

async function ids(server: TestServer, filters: unknown, order?: string): Promise<string[]> {
  const data = await gqlData(server, RUNS_LAZY_QUERY.document, {
    entity: 'e',
    project: 'p',
    cursor: null,
    perPage: 50,
    order: order ?? '+created_at',
    filters: JSON.stringify(filters),
  })
  const names = data.project.runs.edges.map((e: { node: { name: string } }) => e.node.name)
  assert.equal(data.project.runCount, names.length, 'runCount matches the filtered runs')
  return names
}

test('filters: equality on state, $or, $and, $nor', async () => {
  await withServer(async (s) => {
    assert.deepEqual(await ids(s, {}), ['r1', 'r2', 'r3', 'r4', 'r5'])
    assert.deepEqual(await ids(s, { state: 'finished' }), ['r1', 'r4', 'r5'])
    assert.deepEqual(await ids(s, { $or: [{ state: 'running' }, { state: 'crashed' }] }), [
      'r2',
      'r3',
    ])
    assert.deepEqual(await ids(s, { $and: [{ state: 'finished' }, { displayName: 'delta' }] }), [
      'r4',
    ])
    assert.deepEqual(await ids(s, { $nor: [{ state: 'finished' }] }), ['r2', 'r3'])
    assert.deepEqual(await ids(s, { state: { $ne: 'finished' } }), ['r2', 'r3'])
  })
})

test('filters: tags match any element; $in and $nin', async () => {
  await withServer(async (s) => {
    assert.deepEqual(await ids(s, { tags: 'a' }), ['r1', 'r3'])
    assert.deepEqual(await ids(s, { tags: { $in: ['b', 'c'] } }), ['r2', 'r3', 'r5'])
    assert.deepEqual(await ids(s, { tags: { $nin: ['a'] } }), ['r2', 'r4', 'r5'])
    assert.deepEqual(await ids(s, { state: { $in: ['running', 'crashed'] } }), ['r2', 'r3'])
  })
})

test('filters: displayName $regex, config.* (unwrapped or .value), summary_metrics.*, $exists', async () => {
  await withServer(async (s) => {
    assert.deepEqual(await ids(s, { displayName: { $regex: '^alpha' } }), ['r1', 'r5'])
    assert.deepEqual(await ids(s, { 'config.lr': 0.1 }), ['r1', 'r5'])
    assert.deepEqual(await ids(s, { 'config.lr.value': { $lt: 0.05 } }), ['r2', 'r3'])
    assert.deepEqual(await ids(s, { 'summary_metrics.loss': { $gt: 0.3 } }), ['r1', 'r3'])
    assert.deepEqual(await ids(s, { 'summary_metrics.loss': { $gte: 0.2, $lte: 0.5 } }), [
      'r1',
      'r2',
    ])
    assert.deepEqual(await ids(s, { 'config.lr': { $exists: false } }), ['r4'])
  })
})

test('filters: created_at compares as time, with or without a zone', async () => {
  await withServer(async (s) => {
    const window = {
      $and: [{ created_at: { $gt: '2024-01-02T00:00:00' } }, {
        createdAt: { $lt: '2024-01-05T00:00:00Z' },
      }],
    }
    assert.deepEqual(await ids(s, window), ['r3', 'r4'])
    assert.deepEqual(await ids(s, { created_at: { $gte: '2024-01-04' } }), ['r4', 'r5'])
  })
})

test('order: -created_at, +summary_metrics.loss (missing and NaN last), -config.lr.value', async () => {
  await withServer(async (s) => {
    assert.deepEqual(await ids(s, {}, '-created_at'), ['r5', 'r4', 'r3', 'r2', 'r1'])
    assert.deepEqual(await ids(s, {}, '+summary_metrics.loss'), ['r2', 'r1', 'r3', 'r4', 'r5'])
    assert.deepEqual(await ids(s, {}, '-summary_metrics.loss'), ['r3', 'r1', 'r2', 'r4', 'r5'])
    assert.deepEqual(await ids(s, {}, '-config.lr.value'), ['r1', 'r5', 'r2', 'r3', 'r4'])
    assert.deepEqual(await ids(s, { state: 'finished' }, 'displayName'), ['r1', 'r5', 'r4'])
  })
})

test('paging by the last edge cursor, stable when a run is added between pages', async () => {
  await withServer(async (s) => {
    const page = (cursor: string | null) =>
      gqlData(s, RUNS_FULL_QUERY.document, {
        entity: 'e',
        project: 'p',
        cursor,
        perPage: 2,
        order: '+created_at',
        filters: '{}',
      })
    const p1 = (await page(null)).project
    assert.equal(p1.runCount, 5)
    assert.deepEqual(p1.runs.edges.map((e: { node: { name: string } }) => e.node.name), [
      'r1',
      'r2',
    ])
    assert.equal(p1.runs.pageInfo.hasNextPage, true)
    assert.equal(p1.runs.pageInfo.endCursor, p1.runs.edges[1].cursor)
    assert.equal(typeof p1.runs.edges[0].node.config, 'string', 'the full fragment carries config')
    s.addRun(seed('r0', 1, { state: 'finished', createdAt: '2023-12-31T00:00:00' }))
    s.addRun(seed('r6', 6, { state: 'finished' }))
    const p2 = (await page(p1.runs.edges[1].cursor)).project
    assert.deepEqual(p2.runs.edges.map((e: { node: { name: string } }) => e.node.name), [
      'r3',
      'r4',
    ])
    const p3 = (await page(p2.runs.edges[1].cursor)).project
    assert.deepEqual(p3.runs.edges.map((e: { node: { name: string } }) => e.node.name), [
      'r5',
      'r6',
    ])
    assert.equal(p3.runs.pageInfo.hasNextPage, false)
  })
})

test('bad filters are refused with HTTP 400 and a message naming the problem', async () => {
  await withServer(async (s) => {
    const run = (filters: string) =>
      gql(s, RUNS_LAZY_QUERY.document, { entity: 'e', project: 'p', perPage: 5, filters })
    const summary = await run('{"summary.loss": 1}')
    assert.equal(summary.status, 400)
    assert.match(
      summary.body.errors[0].message,
      /invalid filter field "summary.loss" \(did you mean summary_metrics\?\)/,
    )
    const notJson = await run('{state: finished}')
    assert.equal(notJson.status, 400)
    assert.match(notJson.body.errors[0].message, /not JSON/)
    const op = await run('{"state": {"$near": 1}}')
    assert.equal(op.status, 400)
    assert.match(op.body.errors[0].message, /invalid filter operator "\$near"/)
    const cursor = await gql(s, RUNS_LAZY_QUERY.document, {
      entity: 'e',
      project: 'p',
      cursor: 'zzz',
    })
    assert.equal(cursor.status, 400)
    assert.match(cursor.body.errors[0].message, /invalid cursor/)
  })
})
