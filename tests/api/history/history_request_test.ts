import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  requestHistory,
  runNotFound,
  runVariables,
} from '../../../src/api/history/history_request.ts'
import type { HistoryRequestOptions } from '../../../src/api/history/history_target.ts'
import { historySchemas } from '../../../src/api/history/history_responses.ts'
import { RUN_SAMPLED_HISTORY_QUERY } from '../../../src/api/queries.ts'

const run = { entity: 'ent', project: 'proj', id: 'r1' }

test('requestHistory sends the document with the operation name, run path, schema and signal', async () => {
  const calls: [string, Record<string, unknown>, HistoryRequestOptions | undefined][] = []
  const transport = {
    request(document: string, variables: Record<string, unknown>, options?: HistoryRequestOptions) {
      calls.push([document, variables, options])
      return Promise.resolve({ ok: true })
    },
  }
  const signal = new AbortController().signal
  const vars = { ...runVariables(run), samples: 10 }
  const data = await requestHistory(transport, run, RUN_SAMPLED_HISTORY_QUERY, vars, signal)
  assert.deepEqual(data, { ok: true })
  assert.equal(calls.length, 1)
  const [document, variables, options] = calls[0]
  assert.equal(document, RUN_SAMPLED_HISTORY_QUERY.document)
  assert.deepEqual(variables, { entity: 'ent', project: 'proj', name: 'r1', samples: 10 })
  assert.equal(options?.operationName, 'RunSampledHistory')
  assert.equal(options?.runPath, 'ent/proj/r1')
  assert.equal(options?.signal, signal)
  assert.equal(options?.schema, historySchemas.RunSampledHistory)
})

test('runNotFound names the action, the run path and what to check', () => {
  const err = runNotFound(run, 'read the history')
  assert.equal(
    err.message,
    'Cannot read the history of ent/proj/r1: the server returned no run ent/proj/r1; ' +
      'check the entity, project and run id',
  )
})
