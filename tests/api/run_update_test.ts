import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  applyWriteResult,
  captureBase,
  isEmptyChanges,
  runChanges,
  snapshotForWrite,
  writeRunChanges,
} from '../../src/api/run_update.ts'
import { apiFor, ENTITY, PROJECT, RUN_ID, withServer } from './_setup.ts'

const PATH = `${ENTITY}/${PROJECT}/${RUN_ID}`

const read = () => ({
  displayName: 'first',
  notes: 'n',
  group: undefined,
  tags: ['a', 'b'],
  config: { lr: 0.1, model: { depth: 2 } },
  summaryMetrics: { loss: 1 },
})

test('runChanges lists changed text fields, tag additions and removals, config and summary edits', () => {
  const attrs = read()
  const base = captureBase(attrs)
  assert.ok(isEmptyChanges(runChanges(base, attrs)))
  const now = {
    ...attrs,
    displayName: 'second',
    group: 'g1',
    tags: ['b', 'c'],
    config: { lr: 0.2, model: { depth: 2 } },
    summaryMetrics: {},
  }
  const changes = runChanges(base, now)
  assert.deepEqual(changes.fields, [
    { field: 'name', from: 'first', to: 'second' },
    { field: 'group', from: undefined, to: 'g1' },
  ])
  assert.deepEqual(changes.tags, { added: ['c'], removed: ['a'] })
  assert.deepEqual(changes.config, [{ op: 'set', path: ['lr'], value: 0.2 }])
  assert.deepEqual(changes.summary, [{ op: 'delete', path: ['loss'] }])
  assert.equal(isEmptyChanges(changes), false)
  // reordering tags is no change; the base is a copy, not the live object
  attrs.config.lr = 5
  assert.equal(base.config?.lr, 0.1)
  assert.deepEqual(runChanges(base, { ...read(), tags: ['b', 'a'] }).tags, {
    added: [],
    removed: [],
  })
})

test('snapshotForWrite copies the values to send and refuses non-JSON config values', () => {
  const attrs = read()
  const snap = snapshotForWrite(attrs)
  attrs.config.model.depth = 9
  assert.deepEqual(snap.config, { lr: 0.1, model: { depth: 2 } })
  assert.deepEqual(snap.tags, ['a', 'b'])
  assert.throws(() => snapshotForWrite({ config: { f: () => 1 } }), TypeError)
})

test('writeRunChanges sends only what changed and merges tags into a fresh read', async () => {
  await withServer(async (server) => {
    const api = apiFor(server)
    const run = await api.run(PATH)
    const stored = server.store.run(ENTITY, PROJECT, RUN_ID)!
    const none = await writeRunChanges(api.transport, run, runChanges(captureBase(read()), read()))
    assert.deepEqual(none, { sent: [] })
    // someone else adds a tag after our read; ours is added beside it
    stored.tags = ['x', 'theirs']
    const base = captureBase({ ...read(), tags: ['x'] })
    const changes = runChanges(base, {
      ...read(),
      tags: ['x', 'ours'],
      notes: 'new notes',
      summaryMetrics: { loss: 0.5 },
    })
    const result = await writeRunChanges(api.transport, run, changes)
    assert.deepEqual(result.sent.sort(), ['notes', 'summaryMetrics', 'tags'])
    assert.deepEqual(result.tags, ['x', 'theirs', 'ours'])
    assert.equal(stored.notes, 'new notes')
    assert.deepEqual(stored.tags, ['x', 'theirs', 'ours'])
    assert.equal(stored.summary.loss, 0.5)
    assert.equal(result.summary?.loss, 0.5)
  })
})

test('applyWriteResult makes the merged values the base and keeps edits made meanwhile', () => {
  const attrs: Record<string, unknown> = { ...read(), tags: ['a', 'b', 'late'] }
  const base = captureBase(read())
  const sent = snapshotForWrite({ ...read(), tags: ['a', 'b'] })
  const changes = runChanges(base, { ...read(), notes: 'changed' })
  applyWriteResult(attrs, base, changes, sent, { sent: ['notes', 'tags'], tags: ['a', 'b', 'srv'] })
  assert.equal(base.text.notes, 'changed')
  assert.deepEqual(base.tags, ['a', 'b', 'srv'])
  assert.deepEqual(attrs.tags, ['a', 'b', 'srv', 'late'], 'a tag added during the write stays')
})
