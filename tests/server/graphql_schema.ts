/**
 * The executable schema: `schema.graphql` plus the resolver objects, and one function that runs
 * a request body the way the W&B endpoint answers it (HTTP status and JSON body).
 *
 * @module
 */
import { readFileSync } from 'node:fs'
import {
  buildSchema,
  execute,
  getOperationAST,
  type GraphQLError,
  type GraphQLSchema,
  parse,
  validate,
} from 'graphql'
import { BadRequestError } from './ids.ts'
import type { ResolverContext } from './resolver_context.ts'
import { queryRoot } from './resolve_project.ts'
import { mutationRoot } from './mutations.ts'
import { httpStatusOf } from './write_access.ts'

/** The SDL text of the test server's schema. */
export const schemaSource: string = readFileSync(
  new URL('./schema.graphql', import.meta.url),
  'utf8',
)

/** The SDL of the write side (`mutations.graphql`), which extends `schema.graphql`. */
export const mutationSource: string = readFileSync(
  new URL('./mutations.graphql', import.meta.url),
  'utf8',
)

let cached: GraphQLSchema | undefined

/** The schema built from `schema.graphql` plus `mutations.graphql` (built once). */
export function serverSchema(): GraphQLSchema {
  cached ??= buildSchema(`${schemaSource}\n${mutationSource}`)
  return cached
}

/** A GraphQL request body. */
export interface GraphqlBody {
  query?: unknown
  variables?: unknown
  operationName?: unknown
}

/** The HTTP answer to a GraphQL request. */
export interface GraphqlAnswer {
  status: number
  body: Record<string, unknown>
}

/**
 * Runs one request body: 400 for unparsable or invalid documents, bad variables and refused
 * arguments; a refused write's status (403, 404; see `write_access.ts`); 200 otherwise (resolver
 * errors ride along with partial data).
 */
export async function runGraphql(body: GraphqlBody, ctx: ResolverContext): Promise<GraphqlAnswer> {
  if (typeof body.query !== 'string' || body.query.trim() === '') {
    return fail(400, 'query must be a non-empty string')
  }
  if (
    body.variables !== undefined && body.variables !== null && typeof body.variables !== 'object'
  ) {
    return fail(400, 'variables must be an object')
  }
  let document
  try {
    document = parse(body.query)
  } catch (err) {
    return { status: 400, body: { errors: [formatError(err as GraphQLError)] } }
  }
  const schema = serverSchema()
  const invalid = validate(schema, document)
  if (invalid.length > 0) return { status: 400, body: { errors: invalid.map(formatError) } }
  const operationName = typeof body.operationName === 'string' && body.operationName !== ''
    ? body.operationName
    : undefined
  const operation = getOperationAST(document, operationName)
  if (operation && operation.operation === 'subscription') {
    return fail(400, `Schema is not configured to execute ${operation.operation} operation.`)
  }
  const result = await execute({
    schema,
    document,
    rootValue: { ...queryRoot, ...mutationRoot },
    contextValue: ctx,
    variableValues: (body.variables ?? undefined) as Record<string, unknown> | undefined,
    operationName,
  })
  if (!result.errors) return { status: 200, body: { data: result.data ?? null } }
  if (result.data === undefined) {
    // A request error (bad variables, unknown operation, unsupported operation type): nothing ran.
    return { status: 400, body: { errors: result.errors.map(formatError) } }
  }
  const refused = result.errors.some((e) => e.originalError instanceof BadRequestError)
  return {
    status: refused ? 400 : httpStatusOf(result.errors) ?? 200,
    body: { errors: result.errors.map(formatError), data: result.data ?? null },
  }
}

/** The operation name a request names: `operationName` when set, else the document's first one. */
export function operationNameOf(body: GraphqlBody): string | undefined {
  if (typeof body.operationName === 'string' && body.operationName !== '') return body.operationName
  if (typeof body.query !== 'string') return undefined
  const text = body.query.replace(/#[^\n]*/g, '')
  return /\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(text)?.[1]
}

/** The JSON shape of one GraphQL error. */
function formatError(err: GraphQLError): Record<string, unknown> {
  const out: Record<string, unknown> = { message: err.message }
  if (err.locations) out.locations = err.locations
  if (err.path) out.path = err.path
  return out
}

/** A 400/other answer with a single error message. */
function fail(status: number, message: string): GraphqlAnswer {
  return { status, body: { errors: [{ message }] } }
}
