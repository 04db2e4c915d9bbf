import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fetchParquetExports } from '../../../src/api/history/parquet_exports.ts'

const run = { entity: 'e', project: 'p', id: 'r1' }

/** A transport answering with `data` and recording the variables and operation sent. */
function answering(data: unknown) {
  const sent: { variables: Record<string, unknown>; operationName?: string }[] = []
  return {
    sent,
    request(
      _doc: string,
      variables: Record<string, unknown>,
      options?: { operationName?: string },
    ) {
      sent.push({ variables, operationName: options?.operationName })
      return Promise.resolve(data)
    },
  }
}
const exports = (parquetHistory: unknown) => ({ project: { run: { parquetHistory } } })

test('fetchParquetExports asks with liveKeys ["_step"] and finds the first live step', async () => {
  const t = answering(
    exports({
      parquetUrls: ['https://s/a', 'https://s/b'],
      liveData: [{ _step: 12.9 }, { _step: 10 }],
    }),
  )
  assert.deepEqual(await fetchParquetExports(t, run), {
    urls: ['https://s/a', 'https://s/b'],
    liveRows: 2,
    minLiveStep: 10,
  })
  assert.deepEqual(t.sent, [{
    variables: { entity: 'e', project: 'p', runName: 'r1', liveKeys: ['_step'] },
    operationName: 'RunParquetHistory',
  }])
})

test('every row exported means minLiveStep Infinity', async () => {
  assert.deepEqual(await fetchParquetExports(answering(exports({ parquetUrls: [] })), run), {
    urls: [],
    liveRows: 0,
    minLiveStep: Infinity,
  })
})

test('a missing run and malformed liveData are named', async () => {
  await assert.rejects(fetchParquetExports(answering({ project: { run: null } }), run), {
    message:
      'Cannot find the Parquet history exports of e/p/r1: the server returned no run e/p/r1; check the entity, project and run id',
  })
  await assert.rejects(fetchParquetExports(answering(exports({ liveData: ['text'] })), run), {
    name: 'TypeError',
    message:
      'Cannot read the live history of e/p/r1: a liveData element is "text", not an object; is the server a W&B API?',
  })
  await assert.rejects(fetchParquetExports(answering(exports({ liveData: [{ loss: 1 }] })), run), {
    name: 'TypeError',
    message:
      'Cannot read the live history of e/p/r1: a liveData element has _step undefined, not a number; is the server a W&B API?',
  })
})
