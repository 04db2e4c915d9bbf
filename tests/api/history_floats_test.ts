/**
 * The W&B API's history JSON keeps `1.0` as a Python client sent it; rows read through GraphQL
 * (paged and sampled) carry float marks, and the text exporters write `1.0` again.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { scanHistory } from '../../src/api/history/mod.ts'
import { HttpGraphqlTransport } from '../../src/api/transport.ts'
import { toCsv } from '../../src/export/csv.ts'
import { toNdjson } from '../../src/export/ndjson.ts'
import type { Row } from '../../src/row.ts'
import { floatKeysOf, setFloatKeys } from '../../src/row_floats.ts'
import { generateRun } from '../server/generate_run.ts'
import { startTestServer } from '../server/test_server.ts'
import { collect } from './_setup.ts'
import { exportBytes } from '../export/_helpers.ts'

/** Rows a Python client logged: `loss` 1.0 for 130 steps, then fractions; `count` integers. */
function loggedRows(): Row[] {
  return Array.from({ length: 140 }, (_, step) => {
    const row: Row = { _step: step, loss: step < 130 ? 1 : 1 / step, count: step * 2 }
    if (step < 130) setFloatKeys(row, ['loss'])
    return row
  })
}

test('rows read through GraphQL keep float spelling into CSV and NDJSON', async () => {
  const server = await startTestServer()
  try {
    const seed = { ...generateRun({ id: 'floats1', steps: 1 }), history: loggedRows() }
    server.addRun(seed)
    const transport = new HttpGraphqlTransport({ baseUrl: server.baseUrl, apiKey: server.apiKey })
    const rows = await collect(scanHistory(transport, seed, { source: 'graphql', pageSize: 50 }))
    assert.equal(rows.length, 140)
    assert.deepEqual(floatKeysOf(rows[0]), ['loss'])
    assert.equal(floatKeysOf(rows[135]), undefined)
    const csv = new TextDecoder().decode(
      await exportBytes(toCsv({ columns: ['_step', 'loss', 'count'] }), [rows]),
    )
    const lines = csv.split('\n')
    assert.equal(lines[1], '0,1.0,0')
    assert.equal(lines[131], '130,0.007692307692307693,260')
    const ndjson = new TextDecoder().decode(await exportBytes(toNdjson(), [rows.slice(0, 1)]))
    assert.equal(ndjson, '{"_step":0,"loss":1.0,"count":0}\n')
  } finally {
    await server.stop()
  }
})
