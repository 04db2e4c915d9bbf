/**
 * `Api`: the entry point of the W&B public API client (the SDK's `wandb.Api`).
 *
 * @module
 */
import { Run, type RunClient } from './run.ts'
import { type ApiOptions, resolveApiOptions } from './api_options.ts'
import type { SignedFetchOptions } from './history/mod.ts'
import { GET_DEFAULT_ENTITY_QUERY, GET_VIEWER_QUERY, VIEWER_QUERY } from './queries.ts'
import { parseProjectPath, parseRunPath, type RunPath } from './run_path.ts'
import { checkRunsOptions, listRunPages, listRuns, type RunNode, type RunsOptions } from './runs.ts'
import type { CreateRunOptions } from './run_create.ts'
import { defaultEntitySchema, viewerSchema } from './schemas.ts'
import type { UploadFetchOptions } from './upload_file.ts'
import { type GraphqlTransport, HttpGraphqlTransport } from './transport.ts'
import { WandbApiError } from './wandb_api_error.ts'

/** Options of {@link Api.run}. */
export interface RunLoadOptions {
  /** Load with the lightweight fragment (no config, summary, system metrics, history keys). @default false */
  lazy?: boolean
  /** Cancels the request. */
  signal?: AbortSignal
}

/** The viewer (the account the API key belongs to); extra server fields are kept. */
export interface Viewer {
  /** Opaque user id. */
  id?: string | null
  /** Default entity of the account. */
  entity?: string | null
  /** Account name. */
  username?: string | null
  /** Email address. */
  email?: string | null
  /** Any other fields the server returned. */
  [field: string]: unknown
}

/** The W&B public API client: reads runs, files, artifacts and history from a W&B server. */
export class Api implements RunClient {
  /** API base URL without trailing slash. */
  readonly baseUrl: string
  /** App (UI) URL without trailing slash. */
  readonly appUrl: string
  /** The GraphQL transport every request goes through. */
  readonly transport: GraphqlTransport
  /** How history readers fetch signed export URLs: the `fetch` option and per-attempt timeout. */
  readonly exportFetch: Omit<SignedFetchOptions, 'signal'>
  /** How `run.uploadFile` PUTs to signed upload URLs: the `fetch` option and retry settings. */
  readonly uploadFetch: UploadFetchOptions
  #entity: string | undefined
  #project: string | undefined
  #defaultEntity: string | undefined

  /**
   * Creates a client. Options fall back to `WANDB_API_KEY`, `WANDB_BASE_URL`, `WANDB_ENTITY`,
   * `WANDB_PROJECT` and the netrc entry for the API host; a missing key is a TypeError unless
   * `anonymous: true`. Sends no request.
   */
  constructor(options: ApiOptions = {}) {
    const resolved = resolveApiOptions(options)
    this.baseUrl = resolved.baseUrl
    this.appUrl = resolved.appUrl
    this.#entity = resolved.entity
    this.#project = resolved.project
    this.exportFetch = {
      fetch: resolved.fetch,
      timeoutMs: resolved.policy.timeoutMs,
      onRetry: resolved.onRetry,
    }
    this.uploadFetch = {
      fetch: resolved.fetch,
      policy: resolved.policy,
      onRetry: resolved.onRetry,
    }
    this.transport = new HttpGraphqlTransport({
      baseUrl: resolved.baseUrl,
      apiKey: resolved.apiKey,
      headers: resolved.headers,
      fileHeaders: resolved.fileHeaders,
      fetch: resolved.fetch,
      policy: resolved.policy,
      onRetry: resolved.onRetry,
      limits: resolved.limits,
    })
  }

  /** The configured default entity (`entity` option or `WANDB_ENTITY`), if any. */
  get entity(): string | undefined {
    return this.#entity
  }

  /** The configured default project (`project` option or `WANDB_PROJECT`), if any. */
  get project(): string | undefined {
    return this.#project
  }

  /** The viewer's default entity (`GetDefaultEntity`); cached once non-empty, as the SDK does. */
  async defaultEntity(signal?: AbortSignal): Promise<string | undefined> {
    if (this.#defaultEntity) return this.#defaultEntity
    const data = await this.transport.request(GET_DEFAULT_ENTITY_QUERY, {}, {
      signal,
      schema: defaultEntitySchema,
    })
    const entity = data.viewer?.entity ?? undefined
    if (entity) this.#defaultEntity = entity
    return entity
  }

  /** The viewer with API keys and teams (`GetViewer`); also sets the default entity. */
  async viewer(signal?: AbortSignal): Promise<Viewer> {
    const data = await this.transport.request(GET_VIEWER_QUERY, {}, {
      signal,
      schema: viewerSchema,
    })
    if (!data.viewer) {
      throw new WandbApiError(
        'Unable to fetch user data from W&B; check that the API key is valid for ' + this.baseUrl,
        {
          code: 'not-found',
          status: 401,
          operation: GET_VIEWER_QUERY.name,
        },
      )
    }
    if (data.viewer.entity) this.#defaultEntity = data.viewer.entity
    return data.viewer as Viewer
  }

  /** Checks the credentials like the SDK's `Viewer` call at construction; rejects when the server knows no account. */
  async verify(signal?: AbortSignal): Promise<Viewer> {
    const data = await this.transport.request(VIEWER_QUERY, {}, { signal, schema: viewerSchema })
    if (!data.viewer) {
      const host = new URL(this.baseUrl).host
      throw new WandbApiError(
        `Failed to verify credentials with ${host}: the server did not recognize an account for the API key; check WANDB_API_KEY`,
        { code: 'not-found', status: 401, operation: VIEWER_QUERY.name },
      )
    }
    if (data.viewer.entity) this.#defaultEntity = data.viewer.entity
    return data.viewer as Viewer
  }

  /** The entity for paths that name none: the configured one, else the viewer's default entity. */
  async #entityFor(what: string, signal?: AbortSignal): Promise<string> {
    const entity = this.#entity ?? await this.defaultEntity(signal)
    if (!entity) {
      throw new TypeError(
        `Cannot resolve ${what}: it names no entity and the account has no default; use entity/project/...`,
      )
    }
    return entity
  }

  /** Resolves a run path or URL to `{entity, project, runId}`, filling in defaults (may query the viewer). */
  async resolveRunPath(path: string, signal?: AbortSignal): Promise<RunPath> {
    const parts = parseRunPath(path)
    const project = parts.project ?? this.#project
    if (!project) {
      throw new TypeError(
        `Cannot resolve run path '${path}': it names no project and WANDB_PROJECT is not set; use entity/project/run_id`,
      )
    }
    const entity = parts.entity ?? await this.#entityFor(`run path '${path}'`, signal)
    return { entity, project, runId: parts.runId }
  }

  /**
   * Loads one run (full fragment unless `lazy`), from `entity/project/run_id`,
   * `entity/project/runs/run_id` or a run URL. Rejects with a not-found WandbApiError when absent.
   */
  async run(path: string, options: RunLoadOptions = {}): Promise<Run> {
    const { entity, project, runId } = await this.resolveRunPath(path, options.signal)
    const lazy = options.lazy ?? false
    const run = new Run(this, entity, project, runId, undefined, { lazy })
    await run.load(true, options.signal)
    return run
  }

  /**
   * Creates a run (the SDK's `Api.create_run`; `Run.create` does the same): `state: 'pending'`
   * for a job that will start later. The entity defaults to the configured one, else the viewer's
   * default entity; the project to the configured one, else `uncategorized`. An existing run id is
   * an Error unless `allowExisting`. Returns the run fully loaded.
   */
  createRun(options: CreateRunOptions = {}): Promise<Run> {
    return Run.create(this, options)
  }

  /**
   * Streams the runs of a project (`entity/project`, `project` with the default entity, or a
   * project URL; empty means WANDB_PROJECT or `uncategorized`) as batches of `Run`s.
   */
  runs(path: string | undefined, options: RunsOptions = {}): ReadableStream<Run[]> {
    return this.#listing(
      path,
      options,
      (entity, project) => listRuns(this, entity, project, options),
    )
  }

  /**
   * wbx's own, not the SDK's: the same listing as {@linkcode runs} (same requests), with each run
   * as the node the server sent instead of a `Run`, for callers that hold many runs and make a
   * `Run` only when one is needed (`new Run(api, entity, project, node.name, node, {lazy})`).
   */
  runNodes(
    path: string | undefined,
    options: RunsOptions = {},
  ): ReadableStream<{ entity: string; project: string; node: RunNode }[]> {
    return this.#listing(
      path,
      options,
      (entity, project) =>
        listRunPages(this, entity, project, options, (node) => ({ entity, project, node })),
    )
  }

  /** The listing of a project path, its entity resolved on the first read. */
  #listing<T>(
    path: string | undefined,
    options: RunsOptions,
    list: (entity: string, project: string) => ReadableStream<T[]>,
  ): ReadableStream<T[]> {
    checkRunsOptions(options)
    const parsed = path
      ? parseProjectPath(path)
      : { entity: undefined, project: this.#project ?? 'uncategorized' }
    let inner: ReadableStream<T[]> | undefined
    let reader: ReadableStreamDefaultReader<T[]> | undefined
    const open = async (): Promise<ReadableStreamDefaultReader<T[]>> => {
      if (reader) return reader
      const entity = parsed.entity ??
        await this.#entityFor(`project path '${path ?? parsed.project}'`, options.signal)
      inner = list(entity, parsed.project)
      reader = inner.getReader()
      return reader
    }
    return new ReadableStream<T[]>({
      async pull(controller) {
        const { done, value } = await (await open()).read()
        if (done) controller.close()
        else controller.enqueue(value)
      },
      async cancel(reason) {
        await reader?.cancel(reason)
      },
    }, { highWaterMark: 0 })
  }
}
