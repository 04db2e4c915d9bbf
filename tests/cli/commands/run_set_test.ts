import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runSet, runSetOptions } from '../../../src/cli/commands/run_set.ts'
import { apiFor, ENTITY, PROJECT, RUN_ID, withServer } from '../../api/_setup.ts'
import { runInProcess } from './_in_process.ts'
import type { Command } from '../../../src/cli/command.ts'

/** `runSet` on a loaded run, as a command for the in-process runner. */
function setCommand(load: () => ReturnType<ReturnType<typeof apiFor>['run']>): Command {
  return {
    name: 'set',
    summary: '',
    usage: '',
    options: runSetOptions,
    run: async (ctx) => runSet(await load(), ctx),
  }
}

test('runSet prints the changes and saves tags, notes, config and summary on the server', async () => {
  await withServer(async (server) => {
    const api = apiFor(server)
    const command = setCommand(() => api.run(`${ENTITY}/${PROJECT}/${RUN_ID}`))
    const { code, out, err } = await runInProcess(command, {
      'add-tag': ['best'],
      notes: 'tuned',
      config: ['optimizer.lr=0.01', 'layers=[64,32]'],
      summary: ['score=0.9'],
    }, [])
    assert.equal(code, 0, err)
    assert.equal(
      out,
      [
        'notes: (unset) -> "tuned"',
        'tags: +best',
        'config.optimizer: "adam" -> {"lr":0.01}',
        'config.layers: (unset) -> [64,32]',
        'summary.score: (unset) -> 0.9',
        '',
      ].join('\n'),
    )
    assert.match(err, /wbx: saved .*notes.* of test-entity\/test-project\/run1/)
    const stored = server.store.run(ENTITY, PROJECT, RUN_ID)!
    assert.ok(stored.tags.includes('best'))
    assert.equal(stored.notes, 'tuned')
    assert.equal(stored.summary.score, 0.9)
    const fresh = await api.run(`${ENTITY}/${PROJECT}/${RUN_ID}`)
    assert.deepEqual(fresh.config.optimizer, { lr: 0.01 })
    assert.deepEqual(fresh.config.layers, [64, 32])
  })
})

test('runSet --dry-run sends nothing; no change says so; unsetting a missing key warns', async () => {
  await withServer(async (server) => {
    const api = apiFor(server)
    const command = setCommand(() => api.run(`${ENTITY}/${PROJECT}/${RUN_ID}`))
    const before = server.requests.filter((r) => r.operation === 'UpsertBucket').length
    const dry = await runInProcess(command, { notes: 'maybe', 'dry-run': true }, [])
    assert.equal(dry.code, 0)
    assert.match(dry.out, /maybe/)
    assert.match(dry.err, /dry run: nothing was sent/)
    const none = await runInProcess(command, { 'unset-config': ['absent_key'] }, [])
    assert.match(none.err, /config key absent_key is not set; nothing to delete/)
    assert.match(none.err, /nothing to change on/)
    assert.equal(server.requests.filter((r) => r.operation === 'UpsertBucket').length, before)
  })
})
