import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Api } from '../../src/api/api.ts'
import { generateRun } from '../server/generate_run.ts'
import { apiFor, drain, ENTITY, PROJECT, RUN_ID, withServer } from './_setup.ts'

test('an Api sends nothing when made; defaultEntity, viewer and verify read the account once', async () => {
  await withServer(async (server) => {
    const api = apiFor(server, { entity: 'team-x', project: 'proj-y' })
    assert.equal(server.requests.length, 0)
    assert.equal(api.entity, 'team-x')
    assert.equal(api.project, 'proj-y')
    assert.equal(api.baseUrl, server.baseUrl)
    assert.equal(await api.defaultEntity(), 'test-entity')
    const after = server.requests.length
    assert.equal(await api.defaultEntity(), 'test-entity')
    assert.equal(server.requests.length, after, 'the default entity is cached')
    const viewer = await api.viewer()
    assert.equal(viewer.entity, 'test-entity')
    assert.equal(viewer.username, 'test-user')
    assert.equal((await api.verify()).entity, 'test-entity')
    const stranger = apiFor(server, { apiKey: 'f'.repeat(40), retries: 0 })
    await assert.rejects(stranger.verify())
  })
})

test('resolveRunPath fills the entity from the account and refuses a path without a project', async () => {
  await withServer(async (server) => {
    const api = apiFor(server)
    assert.deepEqual(await api.resolveRunPath('e1/p1/r1'), {
      entity: 'e1',
      project: 'p1',
      runId: 'r1',
    })
    assert.deepEqual(await api.resolveRunPath('p1/r1'), {
      entity: 'test-entity',
      project: 'p1',
      runId: 'r1',
    })
    assert.deepEqual(await api.resolveRunPath('https://wandb.ai/e2/p2/runs/abc'), {
      entity: 'e2',
      project: 'p2',
      runId: 'abc',
    })
    await assert.rejects(api.resolveRunPath('r1'), /names no project and WANDB_PROJECT is not set/)
    assert.deepEqual(await apiFor(server, { project: 'dflt' }).resolveRunPath('r9'), {
      entity: 'test-entity',
      project: 'dflt',
      runId: 'r9',
    })
  })
})

test('run loads a run by path or URL; an unknown run is a not-found error naming it', async () => {
  await withServer(async (server) => {
    const api = apiFor(server)
    const run = await api.run(`${ENTITY}/${PROJECT}/${RUN_ID}`)
    assert.equal(run.id, RUN_ID)
    assert.equal(run.entity, ENTITY)
    assert.equal(await run.lastHistoryStep, 19)
    const byProjectPath = await api.run(`${PROJECT}/${RUN_ID}`)
    assert.equal(byProjectPath.id, RUN_ID)
    await assert.rejects(api.run(`${ENTITY}/${PROJECT}/nope`), /nope/)
  })
})

test('runs lists a project in batches; createRun adds a run the listing then holds', async () => {
  await withServer(
    async (server) => {
      const api = apiFor(server, { project: PROJECT })
      const listed = await drain(api.runs(`${ENTITY}/${PROJECT}`, { perPage: 1 }))
      assert.deepEqual(listed.map((r) => r.id).sort(), [RUN_ID, 'two'])
      const created = await api.createRun({ runId: 'made1', state: 'pending' })
      assert.equal(created.id, 'made1')
      assert.equal(created.state, 'pending')
      assert.equal(server.store.run(ENTITY, PROJECT, 'made1')?.state, 'pending')
      const again = await drain(api.runs(undefined))
      assert.deepEqual(again.map((r) => r.id).sort(), ['made1', RUN_ID, 'two'])
      assert.throws(() => new Api({ baseUrl: server.baseUrl, apiKey: '' }), TypeError)
    },
    {},
    [generateRun({ id: 'two', steps: 3 })],
  )
})
