import { test } from 'node:test'
import assert from 'node:assert/strict'
import { serverFeatureEnabled } from '../../src/api/server_features.ts'
import { SERVER_FEATURES_QUERY } from '../../src/api/queries.ts'
import type { GraphqlTransport } from '../../src/api/transport.ts'

/** A transport answering ServerFeaturesQuery with each of `answers` in turn (an Error rejects). */
function fakeTransport(answers: unknown[]) {
  const sent: unknown[] = []
  const transport = {
    request(operation: unknown) {
      sent.push(operation)
      const answer = answers[Math.min(sent.length - 1, answers.length - 1)]
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer)
    },
  }
  return { transport: transport as unknown as GraphqlTransport, sent }
}

test('serverFeatureEnabled reads enabled features once per transport', async () => {
  const { transport, sent } = fakeTransport([{
    serverInfo: {
      features: [
        { name: 'MARK_RUN_FILES_UPLOADED', isEnabled: true },
        { name: 'USE_ARTIFACT_WITH_ENTITY_AND_PROJECT_INFORMATION', isEnabled: false },
        null,
      ],
    },
  }])
  assert.equal(await serverFeatureEnabled(transport, 'MARK_RUN_FILES_UPLOADED'), true)
  assert.equal(
    await serverFeatureEnabled(transport, 'USE_ARTIFACT_WITH_ENTITY_AND_PROJECT_INFORMATION'),
    false,
  )
  assert.equal(sent.length, 1)
  assert.equal(sent[0], SERVER_FEATURES_QUERY)
})

test('an old server without serverInfo means disabled', async () => {
  const { transport } = fakeTransport([{ serverInfo: null }])
  assert.equal(await serverFeatureEnabled(transport, 'MARK_RUN_FILES_UPLOADED'), false)
})

test('a failed query counts as disabled and is asked again next time', async () => {
  const { transport, sent } = fakeTransport([
    new Error('Cannot query field "serverInfo"'),
    { serverInfo: { features: [{ name: 'MARK_RUN_FILES_UPLOADED', isEnabled: true }] } },
  ])
  assert.equal(await serverFeatureEnabled(transport, 'MARK_RUN_FILES_UPLOADED'), false)
  assert.equal(await serverFeatureEnabled(transport, 'MARK_RUN_FILES_UPLOADED'), true)
  assert.equal(sent.length, 2)
})

test('an aborted wait rethrows the abort reason instead of answering false', async () => {
  const controller = new AbortController()
  const reason = new Error('stop')
  const transport = {
    request() {
      controller.abort(reason)
      return Promise.reject(reason)
    },
  } as unknown as GraphqlTransport
  await assert.rejects(
    serverFeatureEnabled(transport, 'MARK_RUN_FILES_UPLOADED', controller.signal),
    (err: unknown) => err === reason,
  )
})
