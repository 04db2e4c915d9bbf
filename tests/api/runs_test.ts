import { test } from 'node:test'
import assert from 'node:assert/strict'
import { apiFor, drain, ENTITY, PROJECT, withServer } from './_setup.ts'
import type { GenerateRunOptions } from '../server/generate_run.ts'
import type { TestServer } from '../server/test_server.ts'
import { WandbApiError } from '../../src/api/wandb_api_error.ts'

/** Five more runs: r1..r5, created a minute apart, with states, lr and loss summaries. */
const OTHERS: GenerateRunOptions[] = ['finished', 'crashed', 'finished', 'running', 'crashed'].map((
  state,
  i,
) => ({
  id: `r${i + 1}`,
  steps: 3,
  seed: i + 2,
  state: state as GenerateRunOptions['state'],
  createdAt: `2024-02-0${i + 1}T00:00:00`,
  config: { lr: (i + 1) / 10 },
  tags: i % 2 === 0 ? ['even'] : [],
}))

const PROJ = `${ENTITY}/${PROJECT}`

/** Number of `Runs` requests so far. */
function runsCalls(server: TestServer): number {
  return server.requests.filter((r) => r.operation === 'Runs').length
}

/** Waits for pending I/O to settle. */
const settle = () => new Promise((r) => setTimeout(r, 100))

test('runs are listed in pages, ordered and filtered by the server', async () => {
  await withServer(
    async (server) => {
      const api = apiFor(server)
      const all = await drain(api.runs(PROJ))
      assert.deepEqual(all.map((r) => r.id), ['run1', 'r1', 'r2', 'r3', 'r4', 'r5'])
      const newest = await drain(api.runs(PROJ, { order: '-created_at' }))
      assert.deepEqual(newest.map((r) => r.id), ['r5', 'r4', 'r3', 'r2', 'r1', 'run1'])
      const crashed = await drain(api.runs(PROJ, { filters: { state: 'crashed' } }))
      assert.deepEqual(crashed.map((r) => r.id), ['r2', 'r5'])
      const mongo = await drain(
        api.runs(PROJ, {
          filters: { $and: [{ 'config.lr.value': { $gte: 0.2 } }, { tags: 'even' }] },
        }),
      )
      assert.deepEqual(mongo.map((r) => r.id), ['r3', 'r5'])
      const req = server.requests.filter((r) => r.operation === 'Runs').at(-1)!
      assert.equal(
        req.variables?.filters,
        '{"$and":[{"config.lr.value":{"$gte":0.2}},{"tags":"even"}]}',
      )
      assert.equal(
        server.requests.find((r) => r.operation === 'Runs')!.variables?.order,
        '+created_at',
      )
    },
    {},
    OTHERS,
  )
})

test('each stream chunk is one page; the cursor is the last edge cursor', async () => {
  await withServer(
    async (server) => {
      const reader = apiFor(server).runs(PROJ, { perPage: 2 }).getReader()
      const sizes: number[] = []
      while (true) {
        const { done, value } = await reader.read()
        if (done) break
        sizes.push(value.length)
      }
      assert.deepEqual(sizes, [2, 2, 2])
      const vars = server.requests.filter((r) => r.operation === 'Runs').map((r) => r.variables!)
      assert.equal(vars.length, 3)
      assert.equal(vars[0].cursor, null)
      assert.equal(vars[0].perPage, 2)
      assert.equal(typeof vars[1].cursor, 'string')
      assert.notEqual(vars[1].cursor, vars[2].cursor)
    },
    {},
    OTHERS,
  )
})

test('prefetch is bounded: page N+1 is in flight while page N is consumed, never further', async () => {
  await withServer(
    async (server) => {
      const stream = apiFor(server).runs(PROJ, { perPage: 1 })
      await settle()
      assert.equal(runsCalls(server), 0, 'nothing is fetched before the first read')
      const reader = stream.getReader()
      const first = await reader.read()
      assert.deepEqual(first.value!.map((r) => r.id), ['run1'])
      await settle()
      assert.equal(runsCalls(server), 2, 'page 2 is prefetched while page 1 is handled')
      await settle()
      assert.equal(runsCalls(server), 2, 'and nothing beyond it')
      await reader.read()
      await settle()
      assert.equal(runsCalls(server), 3)
      await reader.cancel()
      await settle()
      assert.equal(runsCalls(server), 3, 'cancel stops paging')
    },
    {},
    OTHERS,
  )
})

test('prefetch: false fetches only on demand', async () => {
  await withServer(
    async (server) => {
      const reader = apiFor(server).runs(PROJ, { perPage: 1, prefetch: false }).getReader()
      await reader.read()
      await settle()
      assert.equal(runsCalls(server), 1)
      await reader.cancel()
    },
    {},
    OTHERS,
  )
})

test('lazy listings carry no config; lazy: false lists with the full fragment', async () => {
  await withServer(
    async (server) => {
      const api = apiFor(server)
      const [lazy] = await drain(api.runs(PROJ, { perPage: 1, filters: { name: 'r1' } }))
      assert.throws(() => lazy.config, /it is not loaded/)
      assert.equal(lazy.state, 'finished')
      await lazy.loadFull()
      assert.deepEqual(lazy.config, {
        lr: 0.1,
        learning_rate: 0.001,
        batch_size: 32,
        optimizer: 'adam',
        seed: 2,
      })
      const [full] = await drain(api.runs(PROJ, { lazy: false, filters: { name: 'r1' } }))
      assert.deepEqual(full.config, lazy.config)
      assert.equal((full.historyKeys as { lastStep: number }).lastStep, 2)
      const bodies = server.requests.filter((r) => r.operation === 'Runs').map((r) => r.body)
      assert.match(bodies[0], /LightweightRunFragment/)
      assert.match(bodies[1], /\.\.\.RunFragment/)
    },
    {},
    OTHERS,
  )
})

test('a missing project fails with a not-found error; an abort errors the stream', async () => {
  await withServer(async (server) => {
    const api = apiFor(server)
    await assert.rejects(drain(api.runs(`${ENTITY}/nope`)), (err: unknown) => {
      assert.ok(err instanceof WandbApiError)
      assert.equal(err.code, 'not-found')
      assert.match(err.message, /^Could not find project test-entity\/nope on /)
      return true
    })
    const controller = new AbortController()
    server.fault({ kind: 'slow', delayMs: 5_000, operation: 'Runs' })
    const pending = drain(api.runs(PROJ, { signal: controller.signal }))
    setTimeout(() => controller.abort(new DOMException('stop', 'AbortError')), 50)
    await assert.rejects(pending, { name: 'AbortError' })
    assert.throws(() => api.runs(PROJ, { perPage: 0 }), RangeError)
  })
})
