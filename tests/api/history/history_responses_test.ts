import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  decodeFullHistory,
  decodeHistoryKeys,
  decodeHistoryPage,
  decodeParquetHistory,
  decodeSampledHistory,
  historySchemas,
} from '../../../src/api/history/history_responses.ts'

const run = (fields: unknown) => ({ project: { run: fields } })

test('each decoder returns undefined when the project or run is null', () => {
  for (
    const decode of [
      decodeHistoryKeys,
      decodeParquetHistory,
      decodeHistoryPage,
      decodeSampledHistory,
    ]
  ) {
    assert.equal(decode({ project: null }), undefined)
    assert.equal(decode(run(null)), undefined)
    assert.equal(decode({}), undefined)
  }
  assert.equal(decodeFullHistory({ project: { run: null } }, 'history'), undefined)
})

test('decodeParquetHistory drops null and empty URLs and defaults the live rows', () => {
  assert.deepEqual(
    decodeParquetHistory(
      run({ parquetHistory: { parquetUrls: ['u1', null, '', 'u2'], liveData: [{ _step: 3 }] } }),
    ),
    { parquetUrls: ['u1', 'u2'], liveData: [{ _step: 3 }] },
  )
  assert.deepEqual(decodeParquetHistory(run({ parquetHistory: null })), {
    parquetUrls: [],
    liveData: [],
  })
})

test('page decoders default missing lists to empty ones', () => {
  assert.deepEqual(decodeHistoryPage(run({ history: ['{"_step":0}'] })), ['{"_step":0}'])
  assert.deepEqual(decodeHistoryPage(run({ history: null })), [])
  assert.deepEqual(decodeSampledHistory(run({ sampledHistory: [[{ a: 1 }], null] })), [
    [{ a: 1 }],
    [],
  ])
  assert.deepEqual(decodeFullHistory(run({ history: ['h'], events: ['e'] }), 'events'), ['e'])
  assert.deepEqual(decodeFullHistory(run({ history: ['h'] }), 'events'), [])
  assert.deepEqual(decodeHistoryKeys(run({ historyKeys: '{"lastStep":1}' })), {
    historyKeys: '{"lastStep":1}',
  })
})

test('a response of the wrong shape is refused naming the operation', () => {
  assert.throws(() => decodeHistoryPage(run({ history: [1, 2] })), {
    name: 'TypeError',
    message:
      /^Cannot read the HistoryPage response: it does not have the expected shape \(.+\); is the server a W&B API\?$/s,
  })
  assert.throws(() => decodeParquetHistory('<html>'), /Cannot read the RunParquetHistory response/)
})

test('historySchemas has one schema per history operation for the transport', () => {
  assert.deepEqual(Object.keys(historySchemas).sort(), [
    'HistoryPage',
    'RunFullHistory',
    'RunHistoryKeys',
    'RunParquetHistory',
    'RunSampledHistory',
  ])
  assert.throws(() => historySchemas.HistoryPage.parse({ project: 5 }))
  assert.deepEqual(historySchemas.HistoryPage.parse(run({ history: [] })), run({ history: [] }))
})
