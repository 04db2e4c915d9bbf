import { test } from 'node:test'
import assert from 'node:assert/strict'
import { historyKeysOf } from './history_queries.ts'
import {
  addGeneratedProject,
  denseHistoryKeys,
  drawSize,
  parseSizes,
  warmGeneratedProject,
} from './generated_project.ts'
import { ServerStore } from './store.ts'
import { startTestServer } from './test_server.ts'
import { gqlData } from './_client.ts'

const LIST = `query Runs($entity: String!, $project: String!, $cursor: String) {
  project(name: $project, entityName: $entity) {
    runs(first: 500, after: $cursor, order: "-created_at") {
      edges { node { name summaryMetrics } cursor }
      pageInfo { endCursor hasNextPage }
    }
  }
}`

test('the default size distribution has a heavy tail: median near 940 rows, runs past 100k, capped at 300k', () => {
  const sizes = parseSizes('pareto:500:300000:1.1')
  const drawn = Array.from({ length: 20_000 }, (_, i) => drawSize(sizes, 1, i)).sort((a, b) =>
    a - b
  )
  const median = drawn[10_000]
  assert.ok(median > 850 && median < 1_050, `median ${median}`)
  assert.ok(drawn[0] >= 500)
  assert.ok(drawn.at(-1)! <= 300_000)
  assert.ok(drawn.filter((n) => n > 100_000).length >= 3, 'some runs past 100k rows')
  assert.deepEqual(parseSizes('fixed:300000'), { kind: 'fixed', rows: 300_000 })
  assert.equal(
    drawSize(parseSizes('uniform:500:2000'), 9, 3),
    drawSize(parseSizes('uniform:500:2000'), 9, 3),
  )
  assert.throws(() => parseSizes('pareto:500'), /Cannot read run sizes "pareto:500"/)
})

test('a 5,000-run project lists in pages with the same answers twice and from a second server with the same seed', async () => {
  const servers = [await startTestServer(), await startTestServer()]
  try {
    const infos = servers.map((s) =>
      addGeneratedProject(s.store, { entity: 'e', project: 'big', runs: 5_000, seed: 42 })
    )
    assert.deepEqual(infos[0], infos[1])
    assert.ok(infos[0].totalRows > 5_000 * 1_500, `total rows ${infos[0].totalRows}`)
    const listings: string[][] = []
    for (const server of [servers[0], servers[0], servers[1]]) {
      const seen: string[] = []
      let cursor: string | null = null
      for (let page = 0; page < 20; page++) {
        const data = await gqlData(server, LIST, { entity: 'e', project: 'big', cursor })
        const runs = data.project.runs
        for (const edge of runs.edges) seen.push(`${edge.node.name} ${edge.node.summaryMetrics}`)
        if (!runs.pageInfo.hasNextPage) break
        cursor = runs.pageInfo.endCursor
      }
      listings.push(seen)
    }
    assert.equal(listings[0].length, 5_000)
    assert.equal(new Set(listings[0]).size, 5_000)
    assert.deepEqual(listings[1], listings[0])
    assert.deepEqual(listings[2], listings[0])
    // Nothing row-sized was materialised by listing: no export built, no keys scanned.
    const project = servers[0].store.project('e', 'big')!
    for (const run of project.runs.values()) {
      assert.equal(run.exportCache, undefined)
      assert.equal(run.historyKeysCache, undefined)
    }
    assert.equal(servers[0].store.streamedObjects.size, 0)
  } finally {
    await Promise.all(servers.map((s) => s.stop()))
  }
})

test('summaries and warmed history keys equal what a full scan of the rows gives', () => {
  const store = new ServerStore()
  const info = addGeneratedProject(store, {
    entity: 'e',
    project: 'p',
    runs: 3,
    sizes: 'uniform:50:400',
    metrics: 4,
  })
  warmGeneratedProject(store, info, { exports: true })
  for (const { id, rows } of info.runs) {
    const run = store.run('e', 'p', id)!
    assert.equal(run.history.rowCount, rows)
    assert.deepEqual(run.historyKeysCache, historyKeysOf(run.history))
    assert.deepEqual(denseHistoryKeys(run), historyKeysOf(run.history))
    const last = run.history.rowAt(rows - 1)
    assert.equal(run.summary.loss, last.loss)
    assert.equal(run.summary._step, rows - 1)
    assert.ok(run.exportCache && run.exportCache.paths.length === 1)
    assert.ok(store.streamedObjects.has(run.exportCache.paths[0]))
  }
})
