/**
 * Listing a run's files as a stream of `RunFile` batches (the SDK's `Run.files` / `Run.file`).
 *
 * @module
 */
import { RunFile } from './file.ts'
import { collect, pagedStream } from '../streams/paged_stream.ts'
import { RUN_FILES_QUERY } from './queries.ts'
import { runFilesPageSchema } from './schemas.ts'
import type { GraphqlTransport } from './transport.ts'
import { WandbApiError } from './wandb_api_error.ts'

/** The run a file listing belongs to. */
export interface FileOwner {
  /** Entity of the run. */
  readonly entity: string
  /** Project of the run. */
  readonly project: string
  /** Run id. */
  readonly id: string
}

/** Options of `run.files(...)`. */
export interface FilesOptions {
  /** Exact file names to return; empty or unset means all files. Not combinable with `pattern`. */
  names?: string[]
  /** SQL LIKE pattern on the name, e.g. `%.json`. Not combinable with `names`. */
  pattern?: string
  /** Files per request. @default 50 */
  perPage?: number
  /** Cancels the listing. */
  signal?: AbortSignal
}

/** Streams a run's files in pages (cursor = last edge's cursor, as the SDK pages `Files`). */
export function listRunFiles(
  transport: GraphqlTransport,
  run: FileOwner,
  options: FilesOptions = {},
): ReadableStream<RunFile[]> {
  const names = options.names ?? []
  if (names.length > 0 && options.pattern !== undefined) {
    throw new TypeError(
      'Cannot list files by both names and pattern: pass either names (exact file names) or pattern (SQL LIKE, e.g. %.json)',
    )
  }
  const perPage = options.perPage ?? 50
  if (!Number.isInteger(perPage) || perPage < 1) {
    throw new RangeError(`Cannot list files with perPage=${perPage}: expected a positive integer`)
  }
  const runPath = `${run.entity}/${run.project}/${run.id}`
  return pagedStream(async (cursor, signal) => {
    const data = await transport.request(RUN_FILES_QUERY, {
      project: run.project,
      entity: run.entity,
      name: run.id,
      fileNames: names,
      upload: false,
      pattern: options.pattern ?? null,
      fileLimit: perPage,
      fileCursor: cursor ?? null,
    }, { signal, runPath, schema: runFilesPageSchema })
    const files = data.project?.run?.files
    const edges = files?.edges ?? []
    const items = edges.map((e) => new RunFile(transport, e.node, runPath))
    const last = edges.length > 0 ? edges[edges.length - 1].cursor ?? undefined : undefined
    const next = files?.pageInfo?.hasNextPage && last ? last : undefined
    return { items, next, total: data.project?.run?.fileCount ?? undefined }
  }, { signal: options.signal, pageSize: perPage, label: `files of ${runPath}` })
}

/** Finds one file by exact name; rejects with a not-found WandbApiError when the run has none. */
export async function findRunFile(
  transport: GraphqlTransport,
  run: FileOwner,
  name: string,
  signal?: AbortSignal,
): Promise<RunFile> {
  const files = await collect(listRunFiles(transport, run, { names: [name], signal }))
  const found = files.find((f) => f.name === name)
  if (found) return found
  const runPath = `${run.entity}/${run.project}/${run.id}`
  throw new WandbApiError(
    `Cannot find file '${name}' in run ${runPath}; list its files (wbx files ${runPath}) to see the exact names`,
    { code: 'not-found', status: 404, operation: RUN_FILES_QUERY.name, runPath },
  )
}
