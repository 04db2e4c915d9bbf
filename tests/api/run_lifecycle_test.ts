import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  checkStateTransition,
  pollWaitMs,
  readRunState,
  sendDeleteRun,
  sendRunState,
  sendStopRun,
  STATE_TRANSITIONS,
  TERMINAL_STATES,
  waitForTerminalState,
} from '../../src/api/run_lifecycle.ts'
import { apiFor, ENTITY, PROJECT, RUN_ID, withServer } from './_setup.ts'

const PATH = `${ENTITY}/${PROJECT}/${RUN_ID}`
const target = {
  entity: 'e',
  project: 'p',
  id: 'r1',
  storageId: 'UnVuOjE=',
  runPath: 'e/p/r1',
}

test('checkStateTransition allows only the documented transitions, with the reason in the error', () => {
  assert.deepEqual([...TERMINAL_STATES].sort(), [
    'crashed',
    'failed',
    'finished',
    'killed',
    'preempted',
  ])
  assert.deepEqual(STATE_TRANSITIONS.failed, ['pending', 'running'])
  checkStateTransition(target, 'running', 'pending')
  checkStateTransition(target, 'crashed', 'pending')
  checkStateTransition(target, 'pending', 'failed')
  assert.throws(
    () => checkStateTransition(target, 'running', 'finished'),
    (err: Error) => err instanceof TypeError && /only 'pending' or 'failed'/.test(err.message),
  )
  assert.throws(
    () => checkStateTransition(target, 'finished', 'failed'),
    (err: Error) =>
      err instanceof RangeError &&
      /from 'finished' to 'failed': W&B allows 'failed' only from 'pending', 'running'/.test(
        err.message,
      ),
  )
  assert.throws(
    () => checkStateTransition({ ...target, sweepName: 'sw1' }, 'running', 'pending'),
    /belongs to sweep sw1/,
  )
})

test('pollWaitMs starts at the first wait, grows 1.5x per poll and stops at the cap', () => {
  assert.deepEqual([0, 1, 2, 3, 10].map((p) => pollWaitMs(p, 100, 300)), [100, 150, 225, 300, 300])
})

test('sendRunState changes the state the server reports; readRunState reads it', async () => {
  await withServer(async (server) => {
    const api = apiFor(server)
    const run = await api.run(PATH)
    assert.equal(await readRunState(api.transport, run), 'running')
    await sendRunState(api.transport, run, 'failed')
    assert.equal(await readRunState(api.transport, run), 'failed')
    assert.equal(server.store.run(ENTITY, PROJECT, RUN_ID)!.state, 'failed')
  }, { state: 'running' })
})

test('sendStopRun sets the stop flag of a running run; sendDeleteRun removes the run', async () => {
  await withServer(async (server) => {
    const api = apiFor(server)
    const run = await api.run(PATH)
    await sendStopRun(api.transport, run)
    assert.equal(server.store.run(ENTITY, PROJECT, RUN_ID)!.stopRequested, true)
    await sendDeleteRun(api.transport, run, false)
    assert.equal(server.store.run(ENTITY, PROJECT, RUN_ID), undefined)
    await assert.rejects(readRunState(api.transport, run), /it does not exist \(deleted\?\)/)
  }, { state: 'running' })
})

test('waitForTerminalState polls until the run ends and reports each state', async () => {
  await withServer(async (server) => {
    const api = apiFor(server)
    const run = await api.run(PATH)
    const states: string[] = []
    setTimeout(() => (server.store.run(ENTITY, PROJECT, RUN_ID)!.state = 'finished'), 60)
    const state = await waitForTerminalState(api.transport, run, {
      pollIntervalMs: 20,
      maxPollIntervalMs: 40,
      onState: (s) => states.push(s),
    })
    assert.equal(state, 'finished')
    assert.equal(states[0], 'running')
    assert.equal(states.at(-1), 'finished')
    await assert.rejects(
      waitForTerminalState(api.transport, run, { pollIntervalMs: 0 }),
      /Cannot wait with pollIntervalMs=0/,
    )
  }, { state: 'running' })
})

test('waitForTerminalState gives up after timeoutMs with a TimeoutError naming the state', async () => {
  await withServer(async (server) => {
    const api = apiFor(server)
    const run = await api.run(PATH)
    await assert.rejects(
      waitForTerminalState(api.transport, run, { pollIntervalMs: 10, timeoutMs: 300 }),
      // 'running' once a poll has answered ('unknown' if the machine is too slow for even one)
      (err: Error) =>
        err.name === 'TimeoutError' &&
        /Run test-entity\/test-project\/run1 was still '(running|unknown)' after 300 ms/.test(
          err.message,
        ),
    )
  }, { state: 'running' })
})
