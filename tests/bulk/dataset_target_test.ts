import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { BulkRun, BulkRunHandle, BulkSource } from '../../src/bulk/bulk_source.ts'
import { datasetTarget } from '../../src/bulk/dataset_target.ts'
import type { Row } from '../../src/row.ts'
import type { RunQuery } from '../../src/bulk/run_query.ts'
import { inShard } from '../../src/bulk/shard.ts'

const counts = (type: string) => ({ typeCounts: [{ type, count: 1 }] })

/** A source of runs r0..r5; run i logs `loss` and `k<i>`. */
function source(): { source: BulkSource; opens: string[] } {
  const opens: string[] = []
  const runs = Array.from({ length: 6 }, (_, i) => `r${i}`)
  const handle = (id: string, i: number): BulkRunHandle => ({
    id,
    createdAt: null,
    updatedAt: null,
    open: () => {
      opens.push(id)
      return Promise.resolve({
        id,
        historyKeys: { loss: counts('number'), [`k${i}`]: counts(i % 2 ? 'string' : 'number') },
        config: { i },
        summary: { loss: i },
      } as unknown as BulkRun)
    },
  })
  return {
    opens,
    source: {
      description: { kind: 'local', path: '/x' },
      remote: false,
      list: (query: RunQuery) =>
        Promise.resolve(
          runs.map(handle).filter((h) => inShard(h.id, query.shard)),
        ),
    },
  }
}

test("with --shard, every shard's runs shape the schema; only this shard's runs are kept open", async () => {
  const { source: src } = source()
  const shard = { index: 0, count: 2 }
  const query: RunQuery = { shard }
  const handles = await src.list(query, new AbortController().signal)
  const opened = new Map<string, BulkRun>()
  const others: Row[] = []
  const schema = await datasetTarget(src, query, handles, opened, {
    previous: undefined,
    keys: undefined,
    concurrency: 2,
    signal: new AbortController().signal,
    others,
  })
  assert.deepEqual(schema.columns, ['_step', 'k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'loss'])
  assert.equal(schema.types.k1, 'string')
  assert.equal(schema.types.k2, 'double')
  assert.deepEqual([...opened.keys()].sort(), handles.map((h) => h.id).sort())
  assert.equal(others.length, 6 - handles.length)
})
