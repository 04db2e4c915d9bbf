/**
 * Creating a run through the public API (`Run.create`, `api.createRun`; SDK apis/public/api.py
 * `Api._create_run`): one `UpsertBucket` with the run id, project, entity and state. This module
 * only registers the run; `Run.create` then loads it (so this file needs no `Run` at run time).
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import type { RunClient } from './run.ts'
import { RUN_STATE_QUERY, UPSERT_BUCKET_CREATE_MUTATION } from './queries.ts'
import { WandbApiError } from './wandb_api_error.ts'

/** What creating a run needs of the `Api`. */
export interface RunCreator extends RunClient {
  /** Configured default entity, if any. */
  readonly entity: string | undefined
  /** Configured default project, if any. */
  readonly project: string | undefined
  /** The viewer's default entity. */
  defaultEntity(signal?: AbortSignal): Promise<string | undefined>
}

/** Options of `Run.create()` and `api.createRun()`. */
export interface CreateRunOptions {
  /** The run id. @default 8 random characters from a-z0-9, as the SDK generates */
  runId?: string
  /** The project (created when missing). @default the Api's project, else 'uncategorized' */
  project?: string
  /** The entity. @default the Api's entity, else the viewer's default entity */
  entity?: string
  /** `pending` for a run that will start later (a queued job), `running` otherwise. @default 'running' */
  state?: 'running' | 'pending'
  /**
   * Send the upsert even when a run with this id exists (it then only sets that run's state, as
   * the SDK does silently). @default false: an existing run is an Error and nothing is sent
   */
  allowExisting?: boolean
  /** Cancels the requests. */
  signal?: AbortSignal
}

/** A run id like the SDK's `runid.generate_id()`: 8 characters from `a-z0-9`. */
export function generateRunId(length: number = 8): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'
  let id = ''
  while (id.length < length) {
    for (const byte of randomBytes(length)) {
      if (byte < 252 && id.length < length) id += alphabet[byte % 36]
    }
  }
  return id
}

/** Throws a TypeError for a run id or project name W&B would refuse or misread in paths. */
function checkName(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '' || /[/\\#?%:\s]/.test(value)) {
    throw new TypeError(
      `Cannot create a run with ${what} ${
        JSON.stringify(value)
      }: use a non-empty name without / \\ # ? % : or spaces`,
    )
  }
  return value
}

/** Where the server registered a new run: the names it answered with. */
export interface CreatedRunPath {
  /** The entity. */
  entity: string
  /** The project. */
  project: string
  /** The run id. */
  runId: string
}

/**
 * Registers a run and returns where it lives. Unless `allowExisting`, a run id that already
 * exists is refused before anything is written.
 */
export async function registerRun(
  api: RunCreator,
  options: CreateRunOptions = {},
): Promise<CreatedRunPath> {
  const state = options.state ?? 'running'
  if (state !== 'running' && state !== 'pending') {
    throw new TypeError(
      `Cannot create a run in state '${String(state)}': use 'running' or 'pending'`,
    )
  }
  const runId = checkName(options.runId ?? generateRunId(), 'run id')
  const project = checkName(options.project ?? api.project ?? 'uncategorized', 'project')
  const { signal } = options
  const entity = options.entity ?? api.entity ?? await api.defaultEntity(signal)
  if (!entity) {
    throw new TypeError(
      'Cannot create a run: no entity given, none configured (WANDB_ENTITY) and the account has no default',
    )
  }
  const runPath = `${entity}/${project}/${runId}`
  if (!options.allowExisting) {
    const found = await api.transport.request(RUN_STATE_QUERY, {
      project,
      entity,
      name: runId,
    }, { signal, runPath }) as { project?: { run?: unknown } | null } | null
    if (found?.project?.run) {
      throw new Error(
        `Cannot create run ${runPath}: a run with that id exists; open it with api.run('${runPath}'), or pass allowExisting to set its state`,
      )
    }
  }
  const data = await api.transport.request(UPSERT_BUCKET_CREATE_MUTATION, {
    entity,
    project,
    name: runId,
    state,
  }, { signal, runPath }) as {
    upsertBucket?: {
      bucket?: {
        id?: unknown
        name?: unknown
        project?: { name?: unknown; entity?: { name?: unknown } }
      }
    } | null
  } | null
  const bucket = data?.upsertBucket?.bucket
  const name = bucket?.name
  const projectName = bucket?.project?.name
  const entityName = bucket?.project?.entity?.name
  if (
    typeof name !== 'string' || typeof projectName !== 'string' || typeof entityName !== 'string'
  ) {
    throw new WandbApiError(
      `UpsertBucket for ${runPath} returned no run; the run may not have been created`,
      { code: 'bad-response', status: 200, operation: 'UpsertBucket', runPath },
    )
  }
  return { entity: entityName, project: projectName, runId: name }
}
