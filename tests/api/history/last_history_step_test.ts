import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  fetchLastHistoryStep,
  findLastHistoryStep,
} from '../../../src/api/history/last_history_step.ts'

const run = { entity: 'e', project: 'p', id: 'r' }

/** A transport answering RunHistoryKeys with `data` and recording the operation name. */
function answering(data: unknown) {
  const names: (string | undefined)[] = []
  return {
    names,
    request(_doc: string, _vars: Record<string, unknown>, options?: { operationName?: string }) {
      names.push(options?.operationName)
      return Promise.resolve(data)
    },
  }
}

const withKeys = (historyKeys: unknown) => ({ project: { run: { historyKeys } } })

test('findLastHistoryStep reads lastStep from an object or from JSON text', async () => {
  const t = answering(withKeys({ lastStep: 41, keys: {} }))
  assert.equal(await findLastHistoryStep(t, run), 41)
  assert.deepEqual(t.names, ['RunHistoryKeys'])
  assert.equal(await findLastHistoryStep(answering(withKeys('{"lastStep": 7.9}')), run), 7)
})

test('findLastHistoryStep gives -1 without a usable step and undefined without a run', async () => {
  assert.equal(await findLastHistoryStep(answering(withKeys(null)), run), -1)
  assert.equal(await findLastHistoryStep(answering(withKeys({ keys: {} })), run), -1)
  assert.equal(await findLastHistoryStep(answering(withKeys({ lastStep: 'x' })), run), -1)
  assert.equal(await findLastHistoryStep(answering({ project: { run: null } }), run), undefined)
  assert.equal(await findLastHistoryStep(answering({ project: null }), run), undefined)
  assert.equal(await fetchLastHistoryStep(answering({ project: null }), run), -1)
  assert.equal(await fetchLastHistoryStep(answering(withKeys({ lastStep: 3 })), run), 3)
})

test('findLastHistoryStep names the operation when the response is not a W&B answer', async () => {
  await assert.rejects(findLastHistoryStep(answering({ project: 'nonsense' }), run), {
    name: 'TypeError',
    message: /^Cannot read the RunHistoryKeys response: it does not have the expected shape/,
  })
})
