/**
 * Who may write what on the test server, and the errors a refused write gets: `permission
 * denied` with HTTP 403 for a read-only run or an entity the viewer may only read, `entity <e>
 * not found during <mutation>` (404) for an unknown entity, `run not found` (404) for an unknown
 * run ID. The messages follow what W&B's API answers ("permission denied (403)", "entity ... not
 * found during upsertBucket (404)" as the SDK reports them).
 *
 * @module
 */
import type { GraphQLError } from 'graphql'
import { parseNodeId } from './ids.ts'
import type { RunRecord } from './records.ts'
import type { ResolverContext } from './resolver_context.ts'

/** A refused write: a GraphQL error the server answers with an HTTP status other than 200. */
export class WriteRefusedError extends Error {
  /** The HTTP status of the whole response. */
  readonly httpStatus: number

  /** Creates the error with the message clients see and the response status. */
  constructor(message: string, httpStatus: number) {
    super(message)
    this.name = 'WriteRefusedError'
    this.httpStatus = httpStatus
  }
}

/** The HTTP status a response with these errors gets, when a refused write set one. */
export function httpStatusOf(errors: readonly GraphQLError[]): number | undefined {
  for (const e of errors) {
    if (e.originalError instanceof WriteRefusedError) return e.originalError.httpStatus
  }
  return undefined
}

/** The read-only entities configured for this server. */
function readOnlyEntities(ctx: ResolverContext): ReadonlySet<string> {
  return new Set(ctx.readOnlyEntities ?? [])
}

/** Whether the server knows an entity: the viewer's, its teams, read-only ones, or one with projects. */
export function entityExists(ctx: ResolverContext, entity: string): boolean {
  const { store } = ctx
  if (entity === store.viewer.entity || store.viewer.teams.includes(entity)) return true
  if (readOnlyEntities(ctx).has(entity)) return true
  for (const project of store.projects.values()) if (project.entity === entity) return true
  return false
}

/** Throws unless the viewer may write to `entity` (404 when unknown, 403 when read-only). */
export function checkEntityWritable(ctx: ResolverContext, entity: string, mutation: string): void {
  if (!entityExists(ctx, entity)) {
    throw new WriteRefusedError(`entity ${entity} not found during ${mutation}`, 404)
  }
  if (readOnlyEntities(ctx).has(entity)) throw new WriteRefusedError('permission denied', 403)
}

/** Throws 403 unless the viewer may write to the run (not read-only, entity writable). */
export function checkRunWritable(ctx: ResolverContext, run: RunRecord, mutation: string): void {
  if (run.readOnly) throw new WriteRefusedError('permission denied', 403)
  checkEntityWritable(ctx, run.project.entity, mutation)
}

/** Whether a run is read-only for the viewer (the run's flag or its entity's). */
export function runIsReadOnly(ctx: ResolverContext, run: RunRecord): boolean {
  return Boolean(run.readOnly) || readOnlyEntities(ctx).has(run.project.entity)
}

/** Finds a run by its storage ID (`Run:v1:<name>:<project>:<entity>`), or throws 404. */
export function runByStorageId(ctx: ResolverContext, id: string): RunRecord {
  const parts = parseNodeId(id)
  if (parts && parts[0] === 'Run' && parts.length >= 5) {
    const [, , name, project, entity] = parts
    const run = ctx.store.run(entity, project, name)
    if (run && run.storageId === id) return run
  }
  for (const project of ctx.store.projects.values()) {
    for (const run of project.runs.values()) if (run.storageId === id) return run
  }
  throw new WriteRefusedError('run not found', 404)
}

/** Finds a run by path, or throws 404 (`run <e>/<p>/<r> not found`). */
export function runByPath(
  ctx: ResolverContext,
  entity: string,
  project: string,
  name: string,
): RunRecord {
  const run = ctx.store.run(entity, project, name)
  if (!run) throw new WriteRefusedError(`run ${entity}/${project}/${name} not found`, 404)
  return run
}

/** Checks that a run path names a writable, existing run. */
export function writableRun(
  ctx: ResolverContext,
  entity: string,
  project: string,
  name: string,
  mutation: string,
): RunRecord {
  checkEntityWritable(ctx, entity, mutation)
  const run = runByPath(ctx, entity, project, name)
  checkRunWritable(ctx, run, mutation)
  return run
}
