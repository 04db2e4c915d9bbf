/** Shared helpers for the exporter tests: row streams, byte collection, readers for checking output. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet'
import type { Row } from '../../src/row.ts'
import type { ExportStream } from '../../src/export/export_stream.ts'
import { parseJson } from '../../src/json/parse_json.ts'

const g = globalThis as { Deno?: unknown; Bun?: unknown }
/** The runtime running the tests, for messages. */
export const runtime: string = g.Deno ? 'deno' : g.Bun ? 'bun' : 'node'

/** Rows of a committed fixture decoded from a shared `.wandb` file (see fixtures/make_real_rows.py). */
export function fixtureRows(name: string): Row[] {
  const text = readFileSync(
    fileURLToPath(new URL(`./fixtures/${name}.ndjson`, import.meta.url)),
    'utf8',
  )
  return text.split('\n').filter((line) => line).map((line) => parseJson(line) as Row)
}

/** A pull-based stream of the given batches; `pulled` counts the batches handed out. */
export function batchStream(batches: Row[][]): ReadableStream<Row[]> & { pulled: () => number } {
  let i = 0
  const stream = new ReadableStream<Row[]>({
    pull(controller) {
      if (i < batches.length) controller.enqueue(batches[i++])
      else controller.close()
    },
  }, { highWaterMark: 0 })
  return Object.assign(stream, { pulled: () => i })
}

/** Splits rows into batches of `size`. */
export function batches(rows: Row[], size: number): Row[][] {
  const out: Row[][] = []
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size))
  return out
}

/** Every byte of a stream, concatenated. */
export async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let total = 0
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
    chunks.push(chunk)
    total += chunk.length
  }
  const out = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.length
  }
  return out
}

/** Runs batches through an exporter and returns the bytes. */
export function exportBytes(exporter: ExportStream, input: Row[][]): Promise<Uint8Array> {
  return collect(batchStream(input).pipeThrough(exporter))
}

/** Runs batches through an exporter and returns the text. */
export async function exportText(exporter: ExportStream, input: Row[][]): Promise<string> {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(await exportBytes(exporter, input))
}

/** A fresh temporary folder, removed by the returned cleanup function. */
export function tempFolder(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-export-test-'))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Names in a folder (to check that no temporary file was left). */
export function listFolder(dir: string): Promise<string[]> {
  return readdir(dir)
}

/** Rows of a Parquet file read with hyparquet. */
export async function readParquet(path: string): Promise<Record<string, unknown>[]> {
  return await parquetReadObjects({ file: await asyncBufferFromFile(path) })
}

/** Column names, physical types and logical/converted types of a Parquet file, read with hyparquet. */
export async function parquetColumns(
  path: string,
): Promise<{ name: string; type?: string; logical?: string }[]> {
  const metadata = await parquetMetadataAsync(await asyncBufferFromFile(path))
  return metadata.schema.slice(1).map((e) => ({
    name: e.name,
    type: e.type,
    logical: e.logical_type?.type ?? e.converted_type,
  }))
}

/** Number of row groups of a Parquet file. */
export async function parquetRowGroups(path: string): Promise<number> {
  return (await parquetMetadataAsync(await asyncBufferFromFile(path))).row_groups.length
}

// deno-lint-ignore no-explicit-any
type DuckConnection = any

let duck: Promise<DuckConnection | undefined> | undefined

/** A DuckDB connection (an independent reader), or undefined when @duckdb/node-api cannot load here. */
export function duckdb(): Promise<DuckConnection | undefined> {
  duck ??= (async () => {
    try {
      const { DuckDBInstance } = await import('@duckdb/node-api')
      const instance = await DuckDBInstance.create(':memory:')
      return await instance.connect()
    } catch {
      return undefined
    }
  })()
  return duck
}

/** The skip reason when DuckDB cannot load under this runtime, else false. */
export const skipWithoutDuckdb: string | false = (await duckdb())
  ? false
  : `@duckdb/node-api does not load under ${runtime}; DuckDB read-back checks skipped on this runtime only`

/** Runs a query and returns rows as objects plus the column types DuckDB reports. */
export async function duckQuery(
  sql: string,
): Promise<{ rows: Record<string, unknown>[]; types: Record<string, string> }> {
  const connection = await duckdb()
  const reader = await connection.runAndReadAll(sql)
  const names: string[] = reader.columnNames()
  const types: Record<string, string> = {}
  reader.columnTypes().forEach((t: unknown, i: number) => (types[names[i]] = String(t)))
  return { rows: reader.getRowObjects(), types }
}

/** A path quoted as a DuckDB string literal. */
export function sqlPath(path: string): string {
  return `'${path.replaceAll("'", "''")}'`
}

/** `n` synthetic W&B-like rows: _step, _timestamp, a few floats, an int counter, an occasional NaN and a string. */
export function syntheticRows(n: number, start = 0): Row[] {
  const rows: Row[] = []
  for (let i = start; i < start + n; i++) {
    const row: Row = {
      _step: i,
      _timestamp: 1700000000 + i * 0.25,
      loss: 1 / (i + 1),
      epoch: Math.floor(i / 1000),
    }
    if (i % 7 === 0) row.acc = i % 49 === 0 ? NaN : (i % 100) / 100
    if (i % 1000 === 0) row.phase = `phase-${i / 1000}`
    rows.push(row)
  }
  return rows
}
