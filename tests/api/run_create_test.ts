import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generateRunId, registerRun, type RunCreator } from '../../src/api/run_create.ts'

test('generateRunId gives ids of a-z0-9 of the asked length, different each time', () => {
  const ids = Array.from({ length: 200 }, () => generateRunId())
  for (const id of ids) assert.match(id, /^[a-z0-9]{8}$/)
  assert.equal(new Set(ids).size, ids.length)
  assert.match(generateRunId(20), /^[a-z0-9]{20}$/)
  const seen = new Set(Array.from({ length: 400 }, () => generateRunId(1)))
  assert.ok(seen.size > 30, `only ${seen.size} of 36 characters drawn`)
})

test('registerRun refuses a bad state, run id or project before any request', async () => {
  let calls = 0
  const api = new Proxy({}, {
    get: () => () => {
      calls++
      throw new Error('no request expected')
    },
  }) as unknown as RunCreator
  await assert.rejects(registerRun(api, { state: 'finished' as 'running' }), {
    name: 'TypeError',
    message: "Cannot create a run in state 'finished': use 'running' or 'pending'",
  })
  for (const runId of ['a/b', 'has space', '', 'x:y', '50%']) {
    await assert.rejects(registerRun(api, { runId, project: 'p', entity: 'e' }), {
      name: 'TypeError',
      message: `Cannot create a run with run id ${
        JSON.stringify(runId)
      }: use a non-empty name without / \\ # ? % : or spaces`,
    })
  }
  await assert.rejects(registerRun(api, { runId: 'ok', project: 'my#proj', entity: 'e' }), {
    message: /^Cannot create a run with project "my#proj"/,
  })
  assert.equal(calls, 0)
})
