/** One run's node from the test server, with either fragment; a missing run is named in a not-found error. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fetchRunNode } from '../../src/api/run_node.ts'
import { HttpGraphqlTransport } from '../../src/api/transport.ts'
import { WandbApiError } from '../../src/api/wandb_api_error.ts'
import { ENTITY, PROJECT, RUN_ID, withServer } from './_setup.ts'

const RUN = {
  entity: ENTITY,
  project: PROJECT,
  id: RUN_ID,
  runPath: `${ENTITY}/${PROJECT}/${RUN_ID}`,
}

test('the full fragment carries config and summary; the lightweight one does not', async () => {
  await withServer(async (server) => {
    const transport = new HttpGraphqlTransport({ baseUrl: server.baseUrl, apiKey: server.apiKey })
    const full = await fetchRunNode(transport, RUN, true, 'unused')
    assert.equal(full.name, RUN_ID)
    assert.equal(typeof full.config, 'string')
    assert.equal(typeof full.summaryMetrics, 'string')
    const light = await fetchRunNode(transport, RUN, false, 'unused')
    assert.equal(light.name, RUN_ID)
    assert.equal(light.config, undefined)
    assert.equal(light.summaryMetrics, undefined)
  })
})

test("a run the server does not have is a not-found WandbApiError with the caller's message", async () => {
  await withServer(async (server) => {
    const transport = new HttpGraphqlTransport({ baseUrl: server.baseUrl, apiKey: server.apiKey })
    const gone = { ...RUN, id: 'gone', runPath: `${ENTITY}/${PROJECT}/gone` }
    await assert.rejects(fetchRunNode(transport, gone, false, 'run gone: check the id'), (err) => {
      assert.ok(err instanceof WandbApiError)
      assert.equal(err.message.startsWith('run gone: check the id'), true)
      assert.equal(err.code, 'not-found')
      assert.equal(err.status, 404)
      assert.equal(err.runPath, `${ENTITY}/${PROJECT}/gone`)
      return true
    })
  })
})
