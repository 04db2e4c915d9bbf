import { test } from 'node:test'
import assert from 'node:assert/strict'
import { VIEWER_QUERY } from '../../src/api/queries.ts'
import { isAuthorized } from './api_origin.ts'
import { startTestServer, TEST_API_KEY } from './test_server.ts'
import { basicAuth, gql } from './_client.ts'

test('GraphQL needs Basic api:<key> for an accepted key; anything else is a 401 like W&B', async () => {
  const other = 'k'.repeat(40)
  const server = await startTestServer({ apiKeys: [TEST_API_KEY, other] })
  try {
    const ok = await gql(server, VIEWER_QUERY.document)
    assert.equal(ok.status, 200)
    assert.equal(ok.body.data.viewer.entity, 'test-entity')
    assert.equal((await gql(server, VIEWER_QUERY.document, {}, { apiKey: other })).status, 200)
    const refusals = [
      await gql(server, VIEWER_QUERY.document, {}, { apiKey: null }),
      await gql(server, VIEWER_QUERY.document, {}, { apiKey: 'x'.repeat(40) }),
      await gql(server, VIEWER_QUERY.document, {}, {
        apiKey: null,
        headers: { authorization: basicAuth(TEST_API_KEY, 'user') },
      }),
      await gql(server, VIEWER_QUERY.document, {}, {
        apiKey: null,
        headers: { authorization: `Bearer ${TEST_API_KEY}` },
      }),
    ]
    for (const r of refusals) {
      assert.equal(r.status, 401)
      assert.deepEqual(r.body, { errors: [{ message: 'user is not logged in' }] })
    }
    const logged = server.requests.filter((r) => r.status === 401)
    assert.equal(logged.length, 4)
    assert.equal(
      logged[1].headers.authorization,
      basicAuth('x'.repeat(40)),
      'the log keeps headers as sent',
    )
  } finally {
    await server.stop()
  }
})

test('isAuthorized parses the header strictly', () => {
  assert.equal(isAuthorized(basicAuth('abc'), ['abc']), true)
  assert.equal(isAuthorized(`basic ${btoa('api:abc')}`, ['abc']), true)
  assert.equal(isAuthorized(`Basic ${btoa('api:abc:def')}`, ['abc']), false)
  assert.equal(isAuthorized(`Basic ${btoa('abc')}`, ['abc']), false)
  assert.equal(isAuthorized(undefined, ['abc']), false)
})

test('non-POST on /graphql is 405, unknown paths 404, and a body that is not JSON 400', async () => {
  const server = await startTestServer()
  try {
    const get = await fetch(`${server.baseUrl}/graphql`, {
      headers: { authorization: basicAuth(server.apiKey) },
    })
    assert.equal(get.status, 405)
    assert.equal(get.headers.get('allow'), 'POST')
    await get.body?.cancel()
    const other = await fetch(`${server.baseUrl}/nothing-here`)
    assert.equal(other.status, 404)
    assert.equal(await other.text(), '404 page not found\n')
    const bad = await fetch(`${server.baseUrl}/graphql`, {
      method: 'POST',
      headers: { authorization: basicAuth(server.apiKey), 'content-type': 'application/json' },
      body: 'query { viewer { id } }',
    })
    assert.equal(bad.status, 400)
    assert.match((await bad.json()).errors[0].message, /JSON object/)
  } finally {
    await server.stop()
  }
})
