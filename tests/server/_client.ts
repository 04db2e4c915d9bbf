/** Test helpers: a minimal GraphQL client for the test server, and run seeds used across tests. */
import { Buffer } from 'node:buffer'
import type { TestServer } from './test_server.ts'

/** A GraphQL response as received. */
export interface GqlResult {
  status: number
  // deno-lint-ignore no-explicit-any
  body: any
  text: string
}

/** Options for {@linkcode gql}. */
export interface GqlOptions {
  /** API key to send; @default the server's key; null sends no Authorization header */
  apiKey?: string | null
  /** Operation name field; @default '' (as the SDK's raw documents send it) */
  operationName?: string
  /** Extra headers. */
  headers?: Record<string, string>
}

/** The `Authorization` header value W&B clients send for a key. */
export function basicAuth(key: string, user = 'api'): string {
  return 'Basic ' + Buffer.from(`${user}:${key}`).toString('base64')
}

/** POSTs a GraphQL document to the server and parses the JSON body. */
export async function gql(
  server: TestServer,
  query: string,
  variables: Record<string, unknown> = {},
  options: GqlOptions = {},
): Promise<GqlResult> {
  const key = options.apiKey === undefined ? server.apiKey : options.apiKey
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers }
  if (key !== null) headers.authorization = basicAuth(key)
  const res = await fetch(`${server.baseUrl}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables, operationName: options.operationName ?? '' }),
  })
  const text = await res.text()
  return { status: res.status, body: JSON.parse(text), text }
}

/** Like {@linkcode gql} but fails unless the answer is 200 without errors; returns `data`. */
export async function gqlData(
  server: TestServer,
  query: string,
  variables: Record<string, unknown> = {},
  // deno-lint-ignore no-explicit-any
): Promise<any> {
  const r = await gql(server, query, variables)
  if (r.status !== 200 || r.body.errors) {
    throw new Error(`GraphQL failed (${r.status}): ${r.text.slice(0, 500)}`)
  }
  return r.body.data
}
