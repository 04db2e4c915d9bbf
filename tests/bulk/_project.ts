/** Helpers for the bulk-export tests: generated projects on the test server, folder snapshots, readers. */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import type { ApiOptions } from '../../src/api/api_options.ts'
import { flattenRow } from '../../src/export/flatten.ts'
import type { Row } from '../../src/row.ts'
import { MANIFEST_TIMESTAMP_FIELDS } from '../../src/bulk/manifest.ts'
import { setEnv } from '../_env.ts'
import { generateRun } from '../server/generate_run.ts'
import type { RunSeed } from '../server/run_seed.ts'
import type { TestServer } from '../server/test_server.ts'

/** The id of generated run `i`: `r` and three digits. */
export function runId(i: number): string {
  return `r${String(i).padStart(3, '0')}`
}

/** Steps of generated run `i` (20 to 119, varied). */
export function stepsOf(i: number): number {
  return 20 + (i * 37) % 100
}

/** A generated run of a test project; every third run also logs a nested `eval` object. */
export function seedRun(
  entity: string,
  project: string,
  i: number,
  extra: Partial<Parameters<typeof generateRun>[0]> = {},
): RunSeed {
  return generateRun({
    entity,
    project,
    id: runId(i),
    steps: stepsOf(i),
    seed: i + 1,
    nested: i % 3 === 0,
    createdAt: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString().slice(0, 19),
    ...extra,
  })
}

/** Adds `count` generated runs to `entity/project`. */
export function addRuns(server: TestServer, entity: string, project: string, count: number): void {
  for (let i = 0; i < count; i++) server.addRun(seedRun(entity, project, i))
}

/** API options for the test server with short retry waits (the defaults wait seconds). */
export function fastApi(server: TestServer): ApiOptions {
  return {
    baseUrl: server.baseUrl,
    apiKey: server.apiKey,
    retryWaitMinMs: 5,
    retryWaitMaxMs: 50,
  }
}

/** Environment for a CLI child process talking to the test server with short retry waits. */
export function fastEnv(server: TestServer): Record<string, string> {
  return {
    WANDB_BASE_URL: server.baseUrl,
    WANDB_API_KEY: server.apiKey,
    WANDB__GRAPHQL_RETRY_WAIT_MIN_SECONDS: '0.005',
    WANDB__GRAPHQL_RETRY_WAIT_MAX_SECONDS: '0.05',
  }
}

/** Points this process's environment at the test server (`fastEnv`); returns what restores it. */
export function useServerEnv(server: TestServer): () => void {
  return setEnv(fastEnv(server))
}

/** A fresh temporary folder and its cleanup. */
export function tempDir(label: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `wbx-bulk-${label}-`))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Every file under a folder (relative path with `/` → bytes), sorted by path. */
export async function snapshot(dir: string): Promise<Map<string, Uint8Array>> {
  const names: string[] = []
  const walk = async (rel: string): Promise<void> => {
    for (const d of await readdir(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${d.name}` : d.name
      if (d.isDirectory()) await walk(path)
      else names.push(path)
    }
  }
  await walk('')
  const out = new Map<string, Uint8Array>()
  for (const name of names.sort()) out.set(name, new Uint8Array(await readFile(join(dir, name))))
  return out
}

/**
 * Asserts that the export folder `actual` holds exactly the files of `expected`, byte for byte,
 * and the same manifest but for its timestamps (`actualManifest` may respell the actual one's
 * text first, e.g. a proxy's URL); returns the actual manifest without timestamps.
 */
export async function assertSameExport(
  expected: string,
  actual: string,
  actualManifest: (text: string) => string = (text) => text,
): Promise<unknown> {
  const a = await snapshot(expected)
  const b = await snapshot(actual)
  assert.deepEqual([...b.keys()], [...a.keys()])
  for (const [name, bytes] of a) {
    if (name !== 'wbx-manifest.json') assert.deepEqual(b.get(name), bytes, name)
  }
  const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes)
  const manifest = withoutTimestamps(actualManifest(text(b.get('wbx-manifest.json'))))
  assert.deepEqual(manifest, withoutTimestamps(text(a.get('wbx-manifest.json'))))
  return manifest
}

/** A manifest's JSON with every timestamp field removed, for comparing two exports. */
export function withoutTimestamps(text: string): unknown {
  return JSON.parse(
    text,
    (key, value) => (MANIFEST_TIMESTAMP_FIELDS.includes(key) ? undefined : value),
  )
}

/** DuckDB, the independent reader the tests check exports with. */
let duck: Promise<DuckDBConnection> | undefined

/** Runs a query in an in-memory DuckDB and returns the rows (BIGINT as bigint). */
export async function duckRows(sql: string): Promise<Record<string, unknown>[]> {
  duck ??= DuckDBInstance.create(':memory:').then((db) => db.connect())
  const reader = await (await duck).runAndReadAll(sql)
  return reader.getRowObjects() as Record<string, unknown>[]
}

/** A path as a DuckDB string literal. */
export function sqlPath(path: string): string {
  return `'${path.split('\\').join('/').replaceAll("'", "''")}'`
}

/** Drops nulls and turns bigints into numbers, so a table row compares with a history row. */
function plainRow(row: Record<string, unknown>): Row {
  const out: Row = {}
  for (const [k, v] of Object.entries(row)) {
    if (v === null || v === undefined) continue
    out[k] = typeof v === 'bigint' ? Number(v) : v
  }
  return out
}

/** Reads Parquet files (a path or glob) with DuckDB in file and row order, nulls dropped, INT64 as numbers. */
export async function readParquetRows(path: string): Promise<Row[]> {
  const rows = await duckRows(
    `SELECT * EXCLUDE (filename, file_row_number) FROM read_parquet(${
      sqlPath(path)
    }, union_by_name = true, hive_partitioning = false, filename = true, file_row_number = true)` +
      ' ORDER BY filename, file_row_number',
  )
  return rows.map(plainRow)
}

/** A run's history as exported: every part file in order, each in row order. */
export function exportedHistory(dir: string, id: string): Promise<Row[]> {
  return readParquetRows(join(dir, 'history', `run_id=${id}`, '*.parquet'))
}

/** A run's history rows as the server holds them, flattened like the export's columns. */
export function serverHistory(
  server: TestServer,
  entity: string,
  project: string,
  id: string,
): Row[] {
  const run = server.store.run(entity, project, id)
  if (!run) throw new Error(`no run ${entity}/${project}/${id} on the test server`)
  const rows: Row[] = []
  for (let i = 0; i < run.history.rowCount; i++) rows.push({ ...flattenRow(run.history.rowAt(i)) })
  return rows
}
