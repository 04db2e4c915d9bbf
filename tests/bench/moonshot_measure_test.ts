import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  extrapolateWall,
  floorSeconds,
  minimumRequests,
  requestStats,
  utilisation,
} from '../../bench/moonshot_measure.ts'
import type { RequestLogEntry } from '../server/request_log.ts'

test('the floor: listing pages plus one parquetHistory per run, the burst free, the rest at the rate', () => {
  assert.equal(minimumRequests(5_000), 100 + 5_000)
  assert.equal(minimumRequests(51), 2 + 51)
  assert.equal(floorSeconds(5_100, { rate: 10, burst: 20 }), 508)
  assert.equal(floorSeconds(15, { rate: 10, burst: 20 }), 0)
  assert.equal(utilisation(50, { rate: 10, burst: 20 }, 10_000), 0.5)
})

test('the SDK sample extrapolates by waves of the thread pool', () => {
  assert.equal(extrapolateWall(5_000, 10, 5_000, 30), 5_000 * 167)
  assert.equal(extrapolateWall(6_000, 60, 120, 30), 12_000)
})

test('request stats count API requests, 429s and storage requests by operation', () => {
  const entry = (
    origin: 'api' | 'files',
    extra: Partial<RequestLogEntry> = {},
  ): RequestLogEntry => ({
    seq: 0,
    origin,
    method: 'POST',
    path: '/graphql',
    url: '/graphql',
    headers: {},
    body: '',
    status: 200,
    receivedAt: 0,
    ...extra,
  })
  const stats = requestStats([
    entry('api', { operation: 'Runs' }),
    entry('api', { operation: 'RunParquetHistory', rateLimited: true, status: 429 }),
    entry('api', { operation: 'RunParquetHistory' }),
    entry('api', { method: 'GET', path: '/files/e/p/r/a.txt' }),
    entry('files', { method: 'HEAD' }),
  ])
  assert.deepEqual(stats, {
    api: 4,
    refused: 1,
    storage: 1,
    byOperation: { Runs: 1, RunParquetHistory: 2, 'GET /files': 1 },
  })
})
