/**
 * The API origin: `POST /graphql` behind Basic auth (`api:<key>`), plus the authenticated
 * download routes W&B's SDK uses, which redirect to signed URLs on the files origin:
 * `/files/<entity>/<project>/<run>/<name>` and the artifact routes `/artifacts/<entity>/<md5>` and
 * `/artifactsV2/<region>/.../<md5>/<name>`.
 *
 * @module
 */
import { Buffer } from 'node:buffer'
import { type GraphqlBody, runGraphql } from './graphql_schema.ts'
import { jsonReply, type Reply, textReply } from './http_reply.ts'
import type { ResolverContext } from './resolver_context.ts'
import { fileStreamTarget, handleFileStream } from './file_stream.ts'

/** The message W&B answers a request without valid credentials with (HTTP 401). */
export const UNAUTHORIZED_MESSAGE = 'user is not logged in'

/** Whether an `Authorization` header carries `Basic base64("api:<key>")` for an accepted key. */
export function isAuthorized(header: string | undefined, apiKeys: readonly string[]): boolean {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '')
  if (!m) return false
  const decoded = Buffer.from(m[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0 || decoded.slice(0, colon) !== 'api') return false
  return apiKeys.includes(decoded.slice(colon + 1))
}

/** Answers one API-origin request whose body (if any) was already parsed. */
export async function handleApiRequest(
  method: string,
  url: URL,
  authorized: boolean,
  body: GraphqlBody | 'invalid' | undefined,
  ctx: ResolverContext,
): Promise<Reply> {
  const path = url.pathname
  if (path === '/graphql') {
    if (method !== 'POST') {
      const message = `method ${method} not allowed; POST a GraphQL request`
      return jsonReply(405, { errors: [{ message }] }, { allow: 'POST' })
    }
    if (!authorized) return jsonReply(401, { errors: [{ message: UNAUTHORIZED_MESSAGE }] })
    if (body === 'invalid' || body === undefined || typeof body !== 'object' || body === null) {
      return jsonReply(400, {
        errors: [{ message: 'request body must be a JSON object with a "query"' }],
      })
    }
    const answer = await runGraphql(body, ctx)
    return jsonReply(answer.status, answer.body)
  }
  if (method === 'POST' && fileStreamTarget(path)) {
    if (!authorized) return jsonReply(401, { errors: [{ message: UNAUTHORIZED_MESSAGE }] })
    if (body === 'invalid' || body === undefined) {
      return jsonReply(400, { errors: [{ message: 'file_stream body must be a JSON object' }] })
    }
    return handleFileStream(path, body, ctx)
  }
  const target = downloadTarget(path, ctx)
  if (target === undefined) return textReply(404, '404 page not found\n')
  if (method !== 'GET' && method !== 'HEAD') return textReply(405, 'method not allowed\n')
  if (!authorized) return jsonReply(401, { errors: [{ message: UNAUTHORIZED_MESSAGE }] })
  if (target === null) return textReply(404, '404 page not found\n')
  const location = ctx.signer.sign(target)
  return textReply(302, `<a href="${location}">Found</a>.\n`, 'text/html; charset=utf-8', {
    location,
  })
}

/**
 * The files-origin path a download route points at: a path, null when the route is known but
 * the object is not, or undefined when the path is not a download route at all.
 */
function downloadTarget(path: string, ctx: ResolverContext): string | null | undefined {
  if (path.startsWith('/files/')) return ctx.store.apiObjects.get(path)?.storagePath ?? null
  const segments = path.split('/')
  let hex: string | undefined
  if (path.startsWith('/artifactsV2/')) hex = segments[segments.length - 2]
  else if (path.startsWith('/artifacts/')) hex = segments[segments.length - 1]
  else return undefined
  const storagePath = `/wandb-artifacts/${hex}`
  return hex && /^[0-9a-f]{32}$/.test(hex) && ctx.store.objects.has(storagePath)
    ? storagePath
    : null
}
