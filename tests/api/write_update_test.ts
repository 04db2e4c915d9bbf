import { test } from 'node:test'
import assert from 'node:assert/strict'
import { apiFor, ENTITY, PROJECT, RUN_ID, withServer } from './_setup.ts'
import type { TestServer } from '../server/test_server.ts'
import { WandbApiError } from '../../src/api/wandb_api_error.ts'
import type { GenerateRunOptions } from '../server/generate_run.ts'

const PATH = `${ENTITY}/${PROJECT}/${RUN_ID}`

/** A run with internal config keys, a described key, non-finite summary values and tags. */
const RICH: GenerateRunOptions = {
  tags: ['baseline', 'v2'],
  notes: 'first try',
  group: 'g1',
  jobType: 'train',
  rawConfig: {
    _wandb: { value: { cli_version: '0.31.0' } },
    wandb_version: '0.31.0',
    lr: { value: 0.1, desc: 'learning rate' },
    model: { value: { layers: 3, width: 64 }, desc: null },
    plain: [1, 2],
  },
  summary: { acc: 0.5, loss: NaN, best: Infinity, nested: { x: 1, y: { z: 2 } } },
}

/** The UpsertBucket requests the server received since `from`. */
function upserts(server: TestServer, from = 0): Record<string, unknown>[] {
  return server.requests.slice(from).filter((r) => r.operation === 'UpsertBucket').map((r) =>
    r.variables ?? {}
  )
}

test('update() saves name, notes, description, group, job type and tags; a fresh read sees them', async () => {
  await withServer(async (server) => {
    const api = apiFor(server)
    const run = await api.run(PATH)
    run.name = 'renamed'
    run.notes = 'second try'
    run.description = 'about this run'
    run.group = 'g2'
    run.jobType = 'eval'
    run.tags = ['baseline', 'new']
    assert.deepEqual(run.pendingChanges().tags, { added: ['new'], removed: ['v2'] })
    const before = server.requests.length
    const result = await run.update()
    assert.deepEqual(result.sent.sort(), [
      'description',
      'displayName',
      'groupName',
      'jobType',
      'notes',
      'tags',
    ])
    const [vars] = upserts(server, before)
    assert.equal(vars.id, run.storageId)
    assert.equal(vars.config, undefined)
    assert.equal(vars.summaryMetrics, undefined)
    const fresh = await api.run(PATH)
    assert.equal(fresh.name, 'renamed')
    assert.equal(fresh.notes, 'second try')
    assert.equal(fresh.description, 'about this run')
    assert.equal(fresh.group, 'g2')
    assert.equal(fresh.jobType, 'eval')
    assert.deepEqual(fresh.tags, ['baseline', 'new'])
    assert.deepEqual(run.pendingChanges().fields, [])
  }, RICH)
})

test('only what changed is sent; nothing changed sends nothing', async () => {
  await withServer(async (server) => {
    const run = await apiFor(server).run(PATH)
    let before = server.requests.length
    assert.deepEqual(await run.update(), { sent: [] })
    assert.equal(server.requests.length, before)
    run.notes = 'only notes'
    before = server.requests.length
    assert.deepEqual((await run.update()).sent, ['notes'])
    const sent = server.requests.slice(before)
    assert.deepEqual(sent.map((r) => r.operation), ['UpsertBucket'])
    assert.deepEqual(sent[0].variables, { id: run.storageId, notes: 'only notes' })
    assert.equal(server.store.run(ENTITY, PROJECT, RUN_ID)!.group, 'g1')
    assert.deepEqual(server.store.run(ENTITY, PROJECT, RUN_ID)!.tags, ['baseline', 'v2'])
    // save() is update()
    run.notes = undefined
    assert.deepEqual((await run.save()).sent, ['notes'])
    assert.equal(server.store.run(ENTITY, PROJECT, RUN_ID)!.notes, '')
  }, RICH)
})

test('config edits keep wandb_version, _wandb and descriptions; nested keys and deletes persist', async () => {
  await withServer(async (server) => {
    const api = apiFor(server)
    const run = await api.run(PATH)
    run.config.lr = 0.2
    ;(run.config.model as Record<string, unknown>).layers = 4
    run.config.dropout = 0.3
    delete run.config.plain
    assert.deepEqual(run.pendingChanges().config, [
      { op: 'delete', path: ['plain'] },
      { op: 'set', path: ['lr'], value: 0.2 },
      { op: 'set', path: ['model', 'layers'], value: 4 },
      { op: 'set', path: ['dropout'], value: 0.3 },
    ])
    assert.deepEqual((await run.update()).sent, ['config'])
    assert.deepEqual(server.store.run(ENTITY, PROJECT, RUN_ID)!.rawConfig, {
      _wandb: { value: { cli_version: '0.31.0' } },
      wandb_version: '0.31.0',
      lr: { value: 0.2, desc: 'learning rate' },
      model: { value: { layers: 4, width: 64 }, desc: null },
      dropout: { value: 0.3, desc: null },
    })
    const fresh = await api.run(PATH)
    assert.deepEqual(fresh.config, { lr: 0.2, model: { layers: 4, width: 64 }, dropout: 0.3 })
    assert.equal(fresh.rawconfig.wandb_version, '0.31.0')
    assert.deepEqual(run.rawconfig, fresh.rawconfig)
    // assigning a whole new config deletes the keys it leaves out
    run.config = { lr: 0.5 }
    await run.update()
    assert.deepEqual((await api.run(PATH)).config, { lr: 0.5 })
    assert.equal(server.store.run(ENTITY, PROJECT, RUN_ID)!.rawConfig.wandb_version, '0.31.0')
  }, RICH)
})

test('run.summary is a mutable view: assign, delete, nested set/delete, then update()', async () => {
  await withServer(async (server) => {
    const api = apiFor(server)
    const run = await api.run(PATH)
    assert.equal(run.summary, run.summaryMetrics)
    assert.equal(run.summary.acc, 0.5)
    run.summary.acc = 0.9
    delete run.summary.best
    run.summary.set(['nested', 'y', 'w'], 5)
    assert.equal(run.summary.delete(['nested', 'x']), true)
    assert.equal(run.summary.delete(['nested', 'missing']), false)
    run.summary.set('new key', 'text')
    assert.equal(run.summary.get(['nested', 'y', 'w']), 5)
    assert.equal(run.summary.has(['nested', 'x']), false)
    assert.deepEqual((await run.update()).sent, ['summaryMetrics'])
    const fresh = await api.run(PATH)
    assert.equal(fresh.summary.acc, 0.9)
    assert.ok(Number.isNaN(fresh.summary.loss), 'NaN survives the round trip')
    assert.equal('best' in fresh.summary, false)
    assert.deepEqual(fresh.summary.nested, { y: { z: 2, w: 5 } })
    assert.equal(fresh.summary['new key'], 'text')
    assert.deepEqual(
      JSON.parse(JSON.stringify(run.summary)),
      JSON.parse(JSON.stringify(fresh.summary)),
    )
  }, RICH)
})

test('summary.update({...}) saves the summary at once, and only the summary', async () => {
  await withServer(async (server) => {
    const api = apiFor(server)
    const run = await api.run(PATH)
    run.notes = 'not yet'
    const before = server.requests.length
    await run.summary.update({ acc: 0.99, ' padded ': 1, nested: { sole: true } })
    const [vars] = upserts(server, before)
    assert.deepEqual(Object.keys(vars).sort(), ['id', 'summaryMetrics'])
    const fresh = await api.run(PATH)
    assert.equal(fresh.summary.acc, 0.99)
    assert.equal(fresh.summary.padded, 1, 'keys are trimmed as in the SDK')
    assert.deepEqual(fresh.summary.nested, { sole: true }, 'an object replaces the whole key')
    assert.equal(fresh.notes, 'first try', 'other pending edits are not sent')
    assert.deepEqual(run.pendingChanges().fields.map((f) => f.field), ['notes'])
    await run.updateSummary({ acc: 1 })
    assert.equal((await api.run(PATH)).summary.acc, 1)
  }, RICH)
})

test('bad values are refused before anything is sent', async () => {
  await withServer(async (server) => {
    const run = await apiFor(server).run(PATH)
    assert.throws(() => (run.summary.f = () => 1), /summary key f.*function/)
    assert.throws(() => run.summary.set([], 1), /non-empty keys/)
    assert.throws(() => (run.tags = ['ok', 3 as unknown as string]), TypeError)
    assert.throws(() => (run.notes = 5 as unknown as string), /expected a string/)
    ;(run.config as Record<string, unknown>).when = new Date()
    const before = server.requests.length
    await assert.rejects(run.update(), /config\.when is a class instance/)
    delete run.config.when
    run.config._wandb = { hacked: true }
    await assert.rejects(run.update(), /internal to W&B/)
    assert.equal(server.requests.length, before)
    assert.deepEqual(server.store.run(ENTITY, PROJECT, RUN_ID)!.rawConfig._wandb, {
      value: { cli_version: '0.31.0' },
    })
  }, RICH)
})

test('a read-only run refuses update() with 403 and keeps its values', async () => {
  await withServer(async (server) => {
    const run = await apiFor(server).run(PATH)
    assert.equal(run.readOnly, true)
    run.notes = 'mine now'
    run.summary.acc = 0
    const err = await run.update().then(() => undefined, (e) => e)
    assert.ok(err instanceof WandbApiError)
    assert.equal(err.status, 403)
    assert.match(err.message, /UpsertBucket for .*run1 failed: HTTP 403: permission denied/)
    const stored = server.store.run(ENTITY, PROJECT, RUN_ID)!
    assert.equal(stored.notes, 'first try')
    assert.equal(stored.summary.acc, 0.5)
    assert.deepEqual(run.pendingChanges().fields.map((f) => f.field), ['notes'], 'still pending')
  }, { ...RICH, readOnly: true })
})

test('a read-only entity refuses writes with 403; a deleted run with not-found', async () => {
  await withServer(
    async (server) => {
      const run = await apiFor(server).run(PATH)
      run.tags = ['x']
      await assert.rejects(run.update(), (e: WandbApiError) => e.status === 403)
      assert.deepEqual(server.store.run(ENTITY, PROJECT, RUN_ID)!.tags, ['baseline', 'v2'])
    },
    RICH,
    [],
    { readOnlyEntities: [ENTITY] },
  )
  await withServer(async (server) => {
    const run = await apiFor(server).run(PATH)
    server.store.project(ENTITY, PROJECT)!.runs.delete(RUN_ID)
    run.notes = 'too late'
    await assert.rejects(run.update(), (e: WandbApiError) => e.status === 404)
    run.tags = ['x']
    await assert.rejects(run.update(), /Cannot update run .*run1: it no longer exists/)
  }, RICH)
})

test('concurrent writers: other writers keep their tags and keys, as documented', async () => {
  await withServer(async (server) => {
    const a = await apiFor(server).run(PATH)
    const b = await apiFor(server).run(PATH)
    a.summary.fromA = 1
    a.tags = [...a.tags, 'a']
    a.config.lr = 0.7
    b.summary.fromB = 2
    b.tags = b.tags.filter((t) => t !== 'v2').concat('b')
    b.config.extra = 'b'
    b.notes = 'from b'
    await a.update()
    await b.update() // b read before a wrote; its write is merged into a fresh read
    const fresh = await apiFor(server).run(PATH)
    assert.equal(fresh.summary.fromA, 1)
    assert.equal(fresh.summary.fromB, 2)
    assert.deepEqual(fresh.tags, ['baseline', 'a', 'b'])
    assert.deepEqual(fresh.config, {
      lr: 0.7,
      model: { layers: 3, width: 64 },
      plain: [1, 2],
      extra: 'b',
    })
    assert.equal(fresh.notes, 'from b')
    // b now holds the merged values too
    assert.equal(b.summary.fromA, 1)
    assert.deepEqual(b.tags, ['baseline', 'a', 'b'])
    // the same key: last writer wins
    a.summary.acc = 0.1
    b.summary.acc = 0.2
    await a.update()
    await b.update()
    assert.equal((await apiFor(server).run(PATH)).summary.acc, 0.2)
  }, RICH)
})

test('concurrent writers: a write landing between the fresh read and the write is overwritten in that field', async () => {
  await withServer(async (server) => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    let held!: () => void
    const reached = new Promise<void>((r) => (held = r))
    const gatedFetch: typeof fetch = async (input, init) => {
      const body = typeof init?.body === 'string' ? init.body : ''
      if (body.includes('mutation UpsertBucket')) {
        held()
        await gate
      }
      return fetch(input, init)
    }
    const a = await apiFor(server, { fetch: gatedFetch }).run(PATH)
    const b = await apiFor(server).run(PATH)
    a.summary.fromA = 1
    b.summary.fromB = 2
    b.notes = 'b'
    const pending = a.update()
    await reached // a has read the run and is about to write
    await b.update()
    release()
    await pending
    const fresh = await apiFor(server).run(PATH)
    assert.equal(fresh.summary.fromA, 1)
    assert.equal(
      'fromB' in fresh.summary,
      false,
      "b's summary key is lost: the summary is one value",
    )
    assert.equal(fresh.notes, 'b', 'fields a did not change are not touched')
  }, RICH)
})

test('update() calls on one Run run one after another; edits made meanwhile stay pending', async () => {
  await withServer(async (server) => {
    const run = await apiFor(server).run(PATH)
    run.summary.first = 1
    const p1 = run.update()
    run.summary.second = 2
    run.tags = [...run.tags, 'late']
    const p2 = run.update()
    const [r1, r2] = await Promise.all([p1, p2])
    assert.deepEqual(r1.sent, ['summaryMetrics'])
    assert.deepEqual(r2.sent.sort(), ['summaryMetrics', 'tags'])
    const stored = server.store.run(ENTITY, PROJECT, RUN_ID)!
    assert.equal(stored.summary.first, 1)
    assert.equal(stored.summary.second, 2)
    assert.deepEqual(stored.tags, ['baseline', 'v2', 'late'])
    assert.deepEqual(await run.update(), { sent: [] })
  }, RICH)
})
