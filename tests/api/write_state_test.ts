import { test } from 'node:test'
import assert from 'node:assert/strict'
import { apiFor, drain, ENTITY, PROJECT, RUN_ID, withServer } from './_setup.ts'
import { gql } from '../server/_client.ts'
import { Run } from '../../src/api/run.ts'
import { WandbApiError } from '../../src/api/wandb_api_error.ts'
import { pollWaitMs } from '../../src/api/run_lifecycle.ts'
import type { RunState } from '../server/run_seed.ts'

const PATH = `${ENTITY}/${PROJECT}/${RUN_ID}`

test('Run.create and api.createRun make running and pending runs a fresh read sees', async () => {
  await withServer(async (server) => {
    const api = apiFor(server)
    const pending = await Run.create(api, {
      runId: 'queued1',
      project: 'jobs',
      entity: ENTITY,
      state: 'pending',
    })
    assert.equal(pending.runPath, `${ENTITY}/jobs/queued1`)
    assert.equal(pending.state, 'pending')
    assert.equal(typeof pending.storageId, 'string')
    assert.deepEqual(pending.config, {})
    assert.deepEqual(pending.tags, [])
    const fresh = await api.run(`${ENTITY}/jobs/queued1`)
    assert.equal(fresh.state, 'pending')
    // api.createRun: entity from the viewer, project 'uncategorized', a generated 8-char id
    const made = await api.createRun()
    assert.equal(made.entity, server.store.viewer.entity)
    assert.equal(made.project, 'uncategorized')
    assert.match(made.id, /^[a-z0-9]{8}$/)
    assert.equal(made.state, 'running')
    assert.equal(server.store.run(made.entity, 'uncategorized', made.id)!.state, 'running')
    // a created run is complete: update() works on it (the SDK's does not)
    made.notes = 'created by wbx'
    made.summary.score = 1
    await made.update()
    const back = await api.run(made.runPath)
    assert.equal(back.notes, 'created by wbx')
    assert.equal(back.summary.score, 1)
  })
})

test('creating a run refuses an existing id, bad names, unknown and read-only entities; nothing is written', async () => {
  await withServer(
    async (server) => {
      const api = apiFor(server)
      const before = server.requests.length
      await assert.rejects(
        api.createRun({ runId: RUN_ID, project: PROJECT, entity: ENTITY, state: 'pending' }),
        /Cannot create run test-entity\/test-project\/run1: a run with that id exists/,
      )
      assert.deepEqual(server.requests.slice(before).map((r) => r.operation), ['RunState'])
      assert.equal(server.store.run(ENTITY, PROJECT, RUN_ID)!.state, 'finished')
      await assert.rejects(api.createRun({ runId: 'a/b', entity: ENTITY }), TypeError)
      await assert.rejects(
        api.createRun({ entity: ENTITY, state: 'finished' as 'running' }),
        /use 'running' or 'pending'/,
      )
      const unknown = await api.createRun({ runId: 'r9', entity: 'nobody', project: 'p' })
        .then(() => undefined, (e) => e)
      assert.ok(unknown instanceof WandbApiError)
      assert.equal(unknown.status, 404)
      assert.match(unknown.message, /entity nobody not found during upsertBucket/)
      await assert.rejects(
        api.createRun({ runId: 'r9', entity: 'locked', project: 'p' }),
        (e: WandbApiError) => e.status === 403 && /permission denied/.test(e.message),
      )
      assert.equal(server.store.project('locked', 'p'), undefined)
      // allowExisting sends the SDK's upsert, which only sets the state
      const again = await api.createRun({
        runId: RUN_ID,
        project: PROJECT,
        entity: ENTITY,
        state: 'pending',
        allowExisting: true,
      })
      assert.equal(again.state, 'pending')
      assert.equal(again.notes, 'keep me')
    },
    { notes: 'keep me' },
    [],
    { readOnlyEntities: ['locked'] },
  )
})

test('updateState: pending from failed and crashed, failed from running; others refused before sending', async () => {
  const runs = (['failed', 'crashed', 'running', 'finished', 'killed'] as RunState[]).map((
    state,
  ) => ({ id: `s-${state}`, state }))
  await withServer(
    async (server) => {
      const api = apiFor(server)
      for (const from of ['failed', 'crashed']) {
        const run = await api.run(`${ENTITY}/${PROJECT}/s-${from}`)
        await run.updateState('pending')
        assert.equal(run.state, 'pending')
        assert.equal((await api.run(run.runPath)).state, 'pending')
      }
      const running = await api.run(`${ENTITY}/${PROJECT}/s-running`)
      await running.updateState('failed')
      assert.equal(server.store.run(ENTITY, PROJECT, 's-running')!.state, 'failed')
      for (const from of ['finished', 'killed']) {
        const run = await api.run(`${ENTITY}/${PROJECT}/s-${from}`)
        const before = server.requests.length
        await assert.rejects(
          run.updateState('pending'),
          new RegExp(
            `from '${from}' to 'pending': W&B allows 'pending' only from 'running', 'failed', 'crashed', 'preempted'`,
          ),
        )
        assert.deepEqual(server.requests.slice(before).map((r) => r.operation), ['RunState'])
        assert.equal(server.store.run(ENTITY, PROJECT, `s-${from}`)!.state, from)
      }
      const run = await api.run(`${ENTITY}/${PROJECT}/s-finished`)
      await assert.rejects(run.updateState('running' as 'pending'), /only 'pending' or 'failed'/)
      // the current state is read first: a stale local state does not decide
      const stale = await api.run(`${ENTITY}/${PROJECT}/s-killed`)
      server.store.run(ENTITY, PROJECT, 's-killed')!.state = 'preempted'
      await stale.updateState('pending')
      assert.equal(server.store.run(ENTITY, PROJECT, 's-killed')!.state, 'pending')
    },
    {},
    runs,
  )
})

test('updateState refusals: sweep runs, the server refusing a transition, read-only runs', async () => {
  await withServer(
    async (server) => {
      const api = apiFor(server)
      const sweep = await api.run(`${ENTITY}/${PROJECT}/sw`)
      await assert.rejects(sweep.updateState('pending'), /belongs to sweep sw1/)
      assert.equal(server.store.run(ENTITY, PROJECT, 'sw')!.state, 'failed')
      // the server checks too: the raw mutation from a finished state is a GraphQL error
      const id = server.store.run(ENTITY, PROJECT, RUN_ID)!.storageId
      const r = await gql(
        server,
        'mutation UpdateRunState($input: UpdateRunStateInput!) { updateRunState(input: $input) { success } }',
        { input: { id, state: 'pending' } },
      )
      assert.equal(r.status, 200)
      assert.match(r.body.errors[0].message, /invalid state transition from finished to pending/)
      assert.equal(server.store.run(ENTITY, PROJECT, RUN_ID)!.state, 'finished')
      const locked = await api.run(`${ENTITY}/${PROJECT}/ro`)
      await assert.rejects(locked.updateState('pending'), (e: WandbApiError) => e.status === 403)
      assert.equal(server.store.run(ENTITY, PROJECT, 'ro')!.state, 'failed')
    },
    {},
    [
      { id: 'sw', state: 'failed', sweepName: 'sw1' },
      { id: 'ro', state: 'failed', readOnly: true },
    ],
  )
})

test('stop() sets the stop flag of a running run (wandb-core RunStoppedStatus reads it)', async () => {
  await withServer(
    async (server) => {
      const run = await apiFor(server).run(`${ENTITY}/${PROJECT}/live`)
      await run.stop()
      const r = await gql(
        server,
        'query RunStoppedStatus($entityName: String, $projectName: String, $runId: String!) { project(name:$projectName, entityName:$entityName) { run(name:$runId) { stopped } } }',
        { entityName: ENTITY, projectName: PROJECT, runId: 'live' },
      )
      assert.equal(r.body.data.project.run.stopped, true)
      const done = await apiFor(server).run(PATH)
      await done.stop() // no effect on a finished run, as the SDK documents
      assert.equal(server.store.run(ENTITY, PROJECT, RUN_ID)!.stopRequested ?? false, false)
    },
    {},
    [{ id: 'live', state: 'running' }],
  )
})

test('delete() removes the run (and with deleteArtifacts its logged artifacts); read-only runs refuse', async () => {
  await withServer(
    async (server) => {
      const api = apiFor(server)
      const keep = await api.run(`${ENTITY}/${PROJECT}/keep`)
      const keptArtifacts = await drain(keep.loggedArtifacts())
      assert.equal(keptArtifacts.length, 1)
      await keep.delete()
      await assert.rejects(api.run(keep.runPath), (e: WandbApiError) => e.code === 'not-found')
      assert.ok(server.store.artifacts.has(keptArtifacts[0].id), 'artifacts stay by default')
      const wipe = await api.run(`${ENTITY}/${PROJECT}/wipe`)
      const [artifact] = await drain(wipe.loggedArtifacts())
      const before = server.requests.length
      await wipe.delete({ deleteArtifacts: true })
      const sent = server.requests.slice(before)[0]
      assert.equal(sent.operation, 'DeleteRun')
      assert.deepEqual(sent.variables, { id: wipe.storageId, deleteArtifacts: true })
      assert.equal(server.store.artifacts.has(artifact.id), false)
      await assert.rejects(wipe.delete(), (e: WandbApiError) => e.status === 404)
      const locked = await api.run(`${ENTITY}/${PROJECT}/ro`)
      await assert.rejects(locked.delete(), (e: WandbApiError) => e.status === 403)
      assert.ok(server.store.run(ENTITY, PROJECT, 'ro'))
    },
    {},
    [
      { id: 'keep', loggedArtifacts: [{ name: 'keep-ds' }] },
      { id: 'wipe', loggedArtifacts: [{ name: 'wipe-ds' }] },
      { id: 'ro', readOnly: true },
    ],
  )
})

test('waitUntilFinished returns on every terminal state, including killed and preempted', async () => {
  const terminal: RunState[] = ['finished', 'failed', 'crashed', 'killed', 'preempted']
  await withServer(
    async (server) => {
      const api = apiFor(server)
      for (const state of terminal) {
        const run = await api.run(`${ENTITY}/${PROJECT}/t-${state}`)
        assert.equal(await run.waitUntilFinished({ pollIntervalMs: 5 }), state)
      }
      // a running run that ends while polled
      const run = await api.run(`${ENTITY}/${PROJECT}/t-running`)
      const seen: string[] = []
      setTimeout(() => (server.store.run(ENTITY, PROJECT, 't-running')!.state = 'killed'), 150)
      const state = await run.waitUntilFinished({
        pollIntervalMs: 20,
        maxPollIntervalMs: 60,
        onState: (s) => seen.push(s),
      })
      assert.equal(state, 'killed')
      assert.equal(run.state, 'killed')
      assert.equal(seen.at(-1), 'killed')
      assert.ok(seen.length >= 2 && seen.slice(0, -1).every((s) => s === 'running'), seen.join())
      // the waits between polls grow 1.5x and are capped
      assert.deepEqual([0, 1, 2, 3, 4].map((i) => pollWaitMs(i, 20, 60)), [20, 30, 45, 60, 60])
      assert.equal(pollWaitMs(0, 5000, 60000), 5000)
    },
    {},
    [...terminal, 'running'].map((state) => ({ id: `t-${state}`, state: state as RunState })),
  )
})

test('waitUntilFinished ends on timeout, on abort, and when the run is deleted', async () => {
  await withServer(
    async (server) => {
      const api = apiFor(server)
      const run = await api.run(`${ENTITY}/${PROJECT}/pend`)
      const started = Date.now()
      const err = await run.waitUntilFinished({ pollIntervalMs: 10, timeoutMs: 120 })
        .then(() => undefined, (e) => e)
      assert.ok(err instanceof DOMException)
      assert.equal(err.name, 'TimeoutError')
      assert.match(err.message, /still 'pending' after 120 ms/)
      assert.ok(Date.now() - started < 5000)
      const controller = new AbortController()
      setTimeout(() => controller.abort(new Error('stop waiting')), 50)
      await assert.rejects(
        run.waitUntilFinished({ pollIntervalMs: 10, signal: controller.signal }),
        /stop waiting/,
      )
      setTimeout(() => server.store.project(ENTITY, PROJECT)!.runs.delete('pend'), 40)
      await assert.rejects(
        run.waitUntilFinished({ pollIntervalMs: 10 }),
        (e: WandbApiError) => e.code === 'not-found' && /deleted\?/.test(e.message),
      )
      await assert.rejects(run.waitUntilFinished({ pollIntervalMs: 0 }), RangeError)
    },
    {},
    [{ id: 'pend', state: 'pending' }],
  )
})
