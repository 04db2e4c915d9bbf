import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fnv1a32, inShard, parseShard, shardOf } from '../../src/bulk/shard.ts'
import { parseSince, passesSince } from '../../src/bulk/since.ts'
import { matchesQuery, parseRunIds, serverFilters } from '../../src/bulk/run_query.ts'
import { encodeRunId, manifestName, partPath, runsTableName } from '../../src/bulk/layout.ts'

test('shards split run ids deterministically and disjointly', () => {
  assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 })
  assert.throws(() => parseShard('4/4'), /index must be below the count/)
  assert.throws(() => parseShard('1-4'), /expected i\/n/)
  assert.equal(fnv1a32(''), 0x811c9dc5)
  assert.equal(fnv1a32('a'), 0xe40c292c) // the published FNV-1a test vector
  const ids = Array.from({ length: 1000 }, (_, i) => `run${i}`)
  const counts = [0, 0, 0, 0]
  for (const id of ids) {
    const owners = [0, 1, 2, 3].filter((i) => inShard(id, { index: i, count: 4 }))
    assert.equal(owners.length, 1, id)
    assert.equal(owners[0], shardOf(id, 4))
    counts[owners[0]]++
  }
  for (const c of counts) assert.ok(c > 200 && c < 300, `uneven split ${counts}`)
})

test('--since takes dates, ages and a created:/updated: prefix', () => {
  const now = Date.UTC(2024, 5, 10, 12, 0, 0)
  assert.deepEqual(parseSince('2024-05-01', now), {
    field: 'created',
    time: '2024-05-01T00:00:00.000Z',
  })
  assert.deepEqual(parseSince('updated:2024-05-01T08:30:00', now), {
    field: 'updated',
    time: '2024-05-01T08:30:00.000Z',
  })
  assert.equal(parseSince('7d', now).time, '2024-06-03T12:00:00.000Z')
  assert.equal(parseSince('created:12h', now).time, '2024-06-10T00:00:00.000Z')
  assert.throws(() => parseSince('yesterday', now), /Cannot use --since 'yesterday'/)
  const since = parseSince('2024-05-01', now)
  assert.equal(passesSince(since, '2024-05-01T00:00:00', null), true)
  assert.equal(passesSince(since, '2024-04-30T23:59:59', null), false)
  assert.equal(passesSince(parseSince('updated:2024-05-01'), '2020-01-01', '2024-05-02'), true)
})

test('the query becomes one server filter, and the client checks every part again', () => {
  assert.deepEqual(serverFilters({}), {})
  assert.deepEqual(serverFilters({ filters: { state: 'finished' } }), { state: 'finished' })
  assert.deepEqual(
    serverFilters({
      filters: { state: 'finished' },
      since: { field: 'created', time: '2024-05-01T00:00:00.000Z' },
      runs: ['a', 'b'],
    }),
    {
      $and: [
        { state: 'finished' },
        { createdAt: { $gte: '2024-05-01T00:00:00.000' } },
        { name: { $in: ['a', 'b'] } },
      ],
    },
  )
  // Updated-since cannot be filtered on the server: only the client checks it.
  assert.deepEqual(
    serverFilters({ since: { field: 'updated', time: '2024-05-01T00:00:00.000Z' } }),
    {},
  )
  const query = {
    runs: ['a', 'b'],
    since: { field: 'updated' as const, time: '2024-05-01T00:00:00.000Z' },
  }
  assert.equal(matchesQuery(query, { id: 'a', updatedAt: '2024-05-02T00:00:00' }), true)
  assert.equal(matchesQuery(query, { id: 'a', updatedAt: '2024-04-02T00:00:00' }), false)
  assert.equal(matchesQuery(query, { id: 'c', updatedAt: '2024-05-02T00:00:00' }), false)
  assert.equal(matchesQuery(query, { id: 'b', updatedAt: undefined }), true, 'unknown yet: kept')
  assert.deepEqual(parseRunIds(' a, b,,a '), ['a', 'b'])
  assert.throws(() => parseRunIds(' , '), RangeError)
})

test('the layout: Hive partitions with encoded run ids, per-shard manifests and runs tables', () => {
  assert.equal(partPath('history', 'ab12', 3, 'parquet'), 'history/run_id=ab12/part-00003.parquet')
  assert.equal(partPath('system', 'x', 0, 'ndjson'), 'system/run_id=x/part-00000.ndjson')
  assert.equal(encodeRunId('my run/1.5'), 'my%20run%2F1%2E5')
  assert.equal(encodeRunId('../x'), '%2E%2E%2Fx')
  assert.equal(manifestName(undefined), 'wbx-manifest.json')
  assert.equal(manifestName({ index: 1, count: 4 }), 'wbx-manifest-shard-1-of-4.json')
  assert.equal(runsTableName({ index: 0, count: 2 }, 'csv'), 'runs-shard-0-of-2.csv')
})
