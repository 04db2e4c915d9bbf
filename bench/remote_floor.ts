/**
 * The floors of the remote benchmark: the least work any client must do to get a run's history
 * off the server, with plain `fetch` (no retries, no checks) and no row objects beyond what the
 * wire format forces. They bound how fast `Run.scanHistory` could be on the same machine.
 *
 * @module
 */
import { Buffer } from 'node:buffer'
import { parquetMetadata, parquetRead } from 'hyparquet'
import { exportDecompressors } from '../src/api/history/export_codecs.ts'
import {
  HISTORY_PAGE_QUERY,
  RUN_HISTORY_KEYS_QUERY,
  RUN_PARQUET_HISTORY_QUERY,
} from '../src/api/queries.ts'

/** What a floor read. */
export interface FloorOutput {
  /** History rows received. */
  rows: number
  /** Response body bytes received. */
  bytesIn: number
}

/** POSTs one GraphQL document with the key and returns the body text; throws on HTTP errors. */
async function post(
  baseUrl: string,
  apiKey: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<string> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: 'Basic ' + Buffer.from(`api:${apiKey}`).toString('base64'),
    },
    body: JSON.stringify({ query, variables }),
  })
  const text = await response.text()
  if (!response.ok) {
    throw new Error(`Cannot run the floor: POST ${baseUrl}/graphql answered ${response.status}`)
  }
  return text
}

/** Lists the export URLs of `path` with `RunParquetHistory`. */
async function exportUrls(baseUrl: string, apiKey: string, path: string): Promise<string[]> {
  const [entity, project, runName] = path.split('/')
  const text = await post(baseUrl, apiKey, RUN_PARQUET_HISTORY_QUERY.document, {
    entity,
    project,
    runName,
    liveKeys: ['_step'],
  })
  return JSON.parse(text).data.project.run.parquetHistory.parquetUrls
}

/** GETs one URL whole. */
async function getBytes(url: string): Promise<ArrayBuffer> {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`Cannot run the floor: GET ${url} answered ${response.status}`)
  return await response.arrayBuffer()
}

/** Fetches every export file of `path` whole; rows are counted from the files' footers. */
export async function floorFetch(
  baseUrl: string,
  apiKey: string,
  path: string,
): Promise<FloorOutput> {
  let rows = 0
  let bytesIn = 0
  for (const url of await exportUrls(baseUrl, apiKey, path)) {
    const bytes = await getBytes(url)
    bytesIn += bytes.byteLength
    rows += Number(parquetMetadata(bytes).num_rows)
  }
  return { rows, bytesIn }
}

/** Fetches every export file whole and decodes every column to arrays (no row objects). */
export async function floorDecode(
  baseUrl: string,
  apiKey: string,
  path: string,
): Promise<FloorOutput> {
  let rows = 0
  let bytesIn = 0
  const compressors = exportDecompressors()
  for (const url of await exportUrls(baseUrl, apiKey, path)) {
    const file = await getBytes(url)
    bytesIn += file.byteLength
    await parquetRead({
      file,
      compressors,
      onChunk(chunk) {
        if (chunk.columnName === '_step') rows += chunk.rowEnd - chunk.rowStart
      },
    })
  }
  return { rows, bytesIn }
}

/** Pages `HistoryPage` 1000 steps at a time and parses the body and every row with `JSON.parse`. */
export async function floorGraphql(
  baseUrl: string,
  apiKey: string,
  path: string,
): Promise<FloorOutput> {
  const [entity, project, run] = path.split('/')
  const keysText = await post(baseUrl, apiKey, RUN_HISTORY_KEYS_QUERY.document, {
    entity,
    project,
    name: run,
  })
  let bytesIn = keysText.length
  const keys = JSON.parse(keysText).data.project.run.historyKeys
  const lastStep = Number((typeof keys === 'string' ? JSON.parse(keys) : keys).lastStep)
  let rows = 0
  for (let minStep = 0; minStep <= lastStep; minStep += 1000) {
    const maxStep = Math.min(minStep + 1000, lastStep + 1)
    const text = await post(baseUrl, apiKey, HISTORY_PAGE_QUERY.document, {
      entity,
      project,
      run,
      minStep,
      maxStep,
      pageSize: maxStep - minStep,
    })
    bytesIn += text.length
    const page: string[] = JSON.parse(text).data.project.run.history
    for (const row of page) if (JSON.parse(row)._step !== undefined) rows++
  }
  return { rows, bytesIn }
}
