import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { BulkRun, BulkRunHandle, HistoryKeyTypes } from '../../src/bulk/bulk_source.ts'
import { RunFeed } from '../../src/bulk/run_feed.ts'
import { memoryRun } from './_memory_run.ts'

/** A listed run whose `historyKeys` hold `keys` (a key typed `nil` was only ever logged null). */
function listed(id: string, keys: Record<string, string>): BulkRunHandle {
  const historyKeys: HistoryKeyTypes = {}
  for (const [key, type] of Object.entries(keys)) {
    historyKeys[key] = { typeCounts: [{ type, count: 1 }] }
  }
  const run: BulkRun = { ...memoryRun(1, undefined, id), historyKeys }
  return { id, createdAt: null, updatedAt: null, open: () => Promise.resolve(run) }
}

/** Listing pages the test releases one at a time (`next()`), or fails (`fail()`). */
function gatedPages(pages: BulkRunHandle[][]) {
  const gates: { resolve: () => void; reject: (e: Error) => void }[] = []
  const opened = pages.map(() =>
    new Promise<void>((resolve, reject) => gates.push({ resolve, reject }))
  )
  let released = 0
  async function* iterate(): AsyncGenerator<BulkRunHandle[]> {
    for (let i = 0; i < pages.length; i++) {
      await opened[i]
      yield pages[i]
    }
  }
  return {
    iterate,
    next: () => gates[released++].resolve(),
    fail: (error: Error) => gates[released++].reject(error),
  }
}

const settle = () => new Promise((r) => setTimeout(r, 5))

/** Whether a promise settles within a few ms. */
async function settles(promise: Promise<unknown>): Promise<boolean> {
  let done = false
  promise.then(() => (done = true), () => (done = true))
  await settle()
  return done
}

test('the runs of the first page go out before the next page arrives', async () => {
  const pages = gatedPages([
    [listed('a', { loss: 'number' }), listed('b', { loss: 'number' })],
    [listed('c', { loss: 'number' })],
  ])
  const seen: string[] = []
  const feed = new RunFeed({ history: true, previous: undefined, onRun: (r) => seen.push(r.id) })
  const listening = feed.listen(pages.iterate(), new AbortController().signal)
  const taker = feed[Symbol.asyncIterator]()
  pages.next()
  assert.equal((await taker.next()).value.id, 'a')
  assert.equal((await taker.next()).value.id, 'b')
  assert.deepEqual(feed.schema()!.columns, ['_step', 'loss'])
  const third = taker.next()
  assert.equal(await settles(third), false, 'the third take waits for the second page')
  assert.deepEqual(seen, ['a', 'b'])
  pages.next()
  assert.equal((await third).value.id, 'c')
  await listening
  assert.equal((await taker.next()).done, true)
  assert.equal(feed.ended, true)
  assert.deepEqual(feed.finalSchema()!.columns, ['_step', 'loss'])
  assert.deepEqual(feed.handles.map((h) => h.id), ['a', 'b', 'c'])
})

test('a page that grows the schema after runs went out holds the rest until the listing ends', async () => {
  const pages = gatedPages([
    [listed('a', { loss: 'number' })],
    [listed('b', { loss: 'number', late: 'number' })],
    [listed('c', { loss: 'string' })],
  ])
  const feed = new RunFeed({ history: true, previous: undefined })
  const listening = feed.listen(pages.iterate(), new AbortController().signal)
  const taker = feed[Symbol.asyncIterator]()
  pages.next()
  assert.equal((await taker.next()).value.id, 'a')
  const firstSchema = feed.schema()!
  assert.deepEqual(firstSchema.columns, ['_step', 'loss'])
  pages.next()
  const second = taker.next()
  assert.equal(await settles(second), false, 'b is held back: its page grew the schema')
  assert.equal(feed.holding, true)
  assert.deepEqual(feed.schema(), firstSchema, 'runs still in flight keep the older schema')
  pages.next()
  assert.equal((await second).value.id, 'b')
  await listening
  assert.equal((await taker.next()).value.id, 'c')
  const final = feed.finalSchema()!
  assert.deepEqual(final.columns, ['_step', 'late', 'loss'])
  assert.deepEqual(final.types, { _step: 'int', late: 'double', loss: 'json' })
  assert.deepEqual(feed.schema(), final, 'runs started after the listing take the final schema')
})

test('pages listed before any run went out grow the schema without holding', async () => {
  const pages = gatedPages([
    [listed('a', { loss: 'number' })],
    [listed('b', { acc: 'number' })],
  ])
  const feed = new RunFeed({ history: true, previous: undefined })
  const listening = feed.listen(pages.iterate(), new AbortController().signal)
  pages.next()
  pages.next()
  await listening
  assert.equal(feed.holding, false)
  const taker = feed[Symbol.asyncIterator]()
  assert.equal((await taker.next()).value.id, 'a')
  assert.deepEqual(feed.schema()!.columns, ['_step', 'acc', 'loss'])
})

test('columns only ever null and selected keys no run has join the schema at the end', async () => {
  const pages = gatedPages([
    [listed('a', { loss: 'number', empty: 'nil' })],
    [listed('b', { loss: 'number' })],
  ])
  const feed = new RunFeed({
    history: true,
    previous: { columns: ['_step', 'old'], types: { _step: 'int', old: 'string' } },
    keys: ['loss', 'empty', 'missing'],
  })
  const listening = feed.listen(pages.iterate(), new AbortController().signal)
  pages.next()
  const taker = feed[Symbol.asyncIterator]()
  assert.equal((await taker.next()).value.id, 'a')
  // A DOUBLE column written now would widen a later string column to JSON text.
  assert.deepEqual(feed.schema()!.columns, ['_step', 'loss', 'old'])
  pages.next()
  await listening
  const final = feed.finalSchema()!
  assert.deepEqual(final.columns, ['_step', 'empty', 'loss', 'missing', 'old'])
  assert.equal(final.types.empty, 'double')
  assert.equal(final.types.missing, 'double')
})

test('runs the query does not select are left out; without history there is no schema', async () => {
  const pages = gatedPages([[listed('a', { loss: 'number' }), listed('b', { loss: 'number' })]])
  const feed = new RunFeed({ history: false, previous: undefined, selects: (r) => r.id !== 'a' })
  const listening = feed.listen(pages.iterate(), new AbortController().signal)
  pages.next()
  await listening
  const ids: string[] = []
  for await (const handle of feed) ids.push(handle.id)
  assert.deepEqual(ids, ['b'])
  assert.equal(feed.schema(), undefined)
  assert.equal(feed.finalSchema(), undefined)
})

test('a listing page that fails fails the next take, after the runs already listed', async () => {
  const pages = gatedPages([[listed('a', { loss: 'number' })], [listed('b', { loss: 'number' })]])
  const feed = new RunFeed({ history: true, previous: undefined })
  const listening = feed.listen(pages.iterate(), new AbortController().signal)
  const taker = feed[Symbol.asyncIterator]()
  pages.next()
  assert.equal((await taker.next()).value.id, 'a')
  pages.fail(new Error('HTTP 500 listing runs of e/p'))
  await listening
  await assert.rejects(taker.next(), /HTTP 500 listing runs of e\/p/)
  assert.throws(
    () => feed.finalSchema(),
    /Cannot take the final schema of a listing that has not ended well/,
  )
})

test("with --shard, other shards' runs shape the schema but are not handed out", async () => {
  const pages = gatedPages([[listed('a', { loss: 'number' }), listed('b', { late: 'string' })]])
  const others: string[] = []
  const feed = new RunFeed({
    history: true,
    previous: undefined,
    mine: (run) => run.id === 'a',
    onOther: (run) => others.push(run.id),
  })
  const listening = feed.listen(pages.iterate(), new AbortController().signal)
  pages.next()
  await listening
  const ids: string[] = []
  for await (const handle of feed) ids.push(handle.id)
  assert.deepEqual(ids, ['a'])
  assert.deepEqual(others, ['b'])
  assert.deepEqual(feed.finalSchema()!.columns, ['_step', 'late', 'loss'])
})
