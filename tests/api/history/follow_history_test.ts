import { test } from 'node:test'
import assert from 'node:assert/strict'
import { followHistory, type RemoteFollowEnd } from '../../../src/api/history/follow_history.ts'
import { rowsOf, withServedRun } from './_served_run.ts'

test('without follow, followHistory is a plain scan of the rows', async () => {
  await withServedRun({ steps: 15, liveTail: 2 }, async ({ transport, run, rows }) => {
    assert.deepEqual(await rowsOf(followHistory(transport, run)), rows)
  })
})

test('following a finished run reads every row, ends by itself and reports the end', async () => {
  await withServedRun(
    { steps: 15, liveTail: 4, state: 'finished' },
    async ({ transport, run, rows }) => {
      const ends: RemoteFollowEnd[] = []
      const got = await rowsOf(
        followHistory(transport, run, {
          follow: true,
          pollIntervalMs: 10,
          onEnd: (e) => ends.push(e),
        }),
      )
      assert.deepEqual(got, rows)
      assert.deepEqual(ends, [{ state: 'finished', lastStep: 14, rows: 15 }])
    },
  )
})

test('following stops at maxStep even while the run is running', async () => {
  await withServedRun({ steps: 15, state: 'running' }, async ({ transport, run, rows }) => {
    const ends: RemoteFollowEnd[] = []
    const got = await rowsOf(
      followHistory(transport, run, {
        follow: true,
        maxStep: 10,
        keys: ['loss'],
        pollIntervalMs: 10,
        onEnd: (e) => ends.push(e),
      }),
    )
    assert.deepEqual(got, rows.slice(0, 10).map((r) => ({ _step: r._step, loss: r.loss })))
    assert.deepEqual(ends, [{ state: 'running', lastStep: 9, rows: 10 }])
  })
})

test('a bad poll duration fails at the call with the option named', () => {
  const transport = { request: () => Promise.reject(new Error('never called')) }
  const run = { entity: 'e', project: 'p', id: 'r1' }
  for (const key of ['pollIntervalMs', 'maxPollIntervalMs', 'idleTimeoutMs'] as const) {
    assert.throws(
      () => followHistory(transport, run, { follow: true, [key]: 0 }),
      new RegExp(`${key} must be a positive number of ms, got 0`),
    )
  }
})
