/**
 * Zod schemas and decoders for the responses of the history operations in `../queries.ts`:
 * each response page is checked once (never each row), and a null project or run is reported
 * as `undefined` so the caller can say which run was not found.
 *
 * @module
 */
import { z } from 'zod'
import { excerpt } from '../wandb_api_error.ts'

/** Wraps a run-level selection in the `project { run { ... } }` envelope every history response has. */
function envelope<T extends z.ZodType>(run: T) {
  return z.object({
    project: z.object({ run: run.nullable().optional() }).nullable().optional(),
  })
}

const historyKeysSchema = envelope(z.object({ historyKeys: z.unknown() }))

const parquetHistorySchema = envelope(z.object({
  parquetHistory: z.object({
    parquetUrls: z.array(z.string().nullable()).nullable().optional(),
    liveData: z.array(z.unknown()).nullable().optional(),
  }).nullable().optional(),
}))

const historyPageSchema = envelope(z.object({ history: z.array(z.string()).nullable().optional() }))

const sampledHistorySchema = envelope(z.object({
  sampledHistory: z.array(z.array(z.unknown()).nullable()).nullable().optional(),
}))

const fullHistorySchema = envelope(z.object({
  history: z.array(z.string()).nullable().optional(),
  events: z.array(z.string()).nullable().optional(),
}))

/** A response page validator, in the shape the transport's `schema` option takes. */
export interface PageSchema {
  /** Returns the data when it has the expected shape; throws otherwise. */
  parse(data: unknown): unknown
}

/** The schemas of each operation's response, for the transport's `schema` option. */
export const historySchemas: Readonly<Record<string, PageSchema>> = {
  RunHistoryKeys: historyKeysSchema,
  RunParquetHistory: parquetHistorySchema,
  HistoryPage: historyPageSchema,
  RunSampledHistory: sampledHistorySchema,
  RunFullHistory: fullHistorySchema,
}

/** Validates a response page, naming the operation in the error; `undefined` when the project or run is null. */
function runOf<T>(
  schema: {
    safeParse(
      data: unknown,
    ): { success: true; data: { project?: { run?: T | null } | null } } | {
      success: false
      error: { message: string }
    }
  },
  operation: string,
  data: unknown,
): T | undefined {
  const parsed = schema.safeParse(data)
  if (!parsed.success) {
    throw new TypeError(
      `Cannot read the ${operation} response: it does not have the expected shape (${
        excerpt(parsed.error.message, 300)
      }); is the server a W&B API?`,
    )
  }
  return parsed.data.project?.run ?? undefined
}

/** Decodes `RunHistoryKeys`: the `historyKeys` value, or `undefined` when the run is absent. */
export function decodeHistoryKeys(data: unknown): { historyKeys: unknown } | undefined {
  return runOf(historyKeysSchema, 'RunHistoryKeys', data)
}

/** Decodes `RunParquetHistory`: signed URLs and live rows, or `undefined` when the run is absent. */
export function decodeParquetHistory(
  data: unknown,
): { parquetUrls: string[]; liveData: unknown[] } | undefined {
  const run = runOf(parquetHistorySchema, 'RunParquetHistory', data)
  if (!run) return undefined
  const urls = run.parquetHistory?.parquetUrls ?? []
  return {
    parquetUrls: urls.filter((u): u is string => typeof u === 'string' && u !== ''),
    liveData: run.parquetHistory?.liveData ?? [],
  }
}

/** Decodes `HistoryPage`: the row texts, or `undefined` when the run is absent. */
export function decodeHistoryPage(data: unknown): string[] | undefined {
  const run = runOf(historyPageSchema, 'HistoryPage', data)
  return run ? run.history ?? [] : undefined
}

/** Decodes `RunSampledHistory`: one row list per spec, or `undefined` when the run is absent. */
export function decodeSampledHistory(data: unknown): unknown[][] | undefined {
  const run = runOf(sampledHistorySchema, 'RunSampledHistory', data)
  return run ? (run.sampledHistory ?? []).map((list) => list ?? []) : undefined
}

/** Decodes `RunFullHistory`: the row texts of `node`, or `undefined` when the run is absent. */
export function decodeFullHistory(data: unknown, node: 'history' | 'events'): string[] | undefined {
  const run = runOf(fullHistorySchema, 'RunFullHistory', data)
  return run ? run[node] ?? [] : undefined
}
