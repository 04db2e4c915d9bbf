/**
 * One wbx case of the remote benchmark, run in its own process by `remote.bench.ts` so that its
 * peak memory is its own. Loads the run first (client set-up, `api.run`), then times the scan
 * (and export) inside the process and prints one JSON line (a RemoteResult).
 *
 * Usage: `<runtime> bench/remote_case.ts <case> <baseUrl> <apiKey> <exported run path>
 * <unexported run path> [scratch folder]`, case one of WBX_CASES. GraphQL cases read the
 * unexported run; the others read the exported one. The many-runs case `wbx-bulk` takes the
 * project (`entity/project`) in place of the exported run.
 *
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { Api } from '../src/api/api.ts'
import { exportToPath } from '../src/export/write_to_path.ts'
import type { Row } from '../src/row.ts'
import { runtimeName } from '../src/runtime.ts'
import { peakRssMb } from './local_common.ts'
import { MANY_CASES, type RemoteResult, WBX_CASES } from './remote_common.ts'
import { exportProject } from '../src/bulk/bulk_export.ts'
import { floorDecode, floorFetch, floorGraphql } from './remote_floor.ts'

/** CPU time used by this process so far, in milliseconds. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

/** The version of the runtime running this script. */
function runtimeVersion(): string {
  const versions = process.versions as Record<string, string | undefined>
  return versions[runtimeName] ?? process.version
}

/** Counts the rows of a row stream. */
async function countRows(stream: ReadableStream<Row[]>): Promise<number> {
  let n = 0
  for await (const batch of stream as unknown as AsyncIterable<Row[]>) n += batch.length
  return n
}

/** What a measured span produced. */
interface SpanOutput {
  rows: number
  outBytes?: number
  bytesIn?: number
}

/** Runs one case and returns its measurements. */
async function runCase(
  name: string,
  baseUrl: string,
  apiKey: string,
  paths: { exported: string; graphql: string },
  scratch: string,
): Promise<RemoteResult> {
  if (name === 'wbx-bulk') return await bulkCase(baseUrl, apiKey, paths.exported, scratch)
  const spec = WBX_CASES[name]
  if (!spec) {
    throw new RangeError(
      `Unknown remote bench case "${name}": use one of ${
        [...Object.keys(WBX_CASES), ...Object.keys(MANY_CASES)].join(', ')
      }`,
    )
  }
  const path = spec.source === 'graphql' || name === 'floor-graphql'
    ? paths.graphql
    : paths.exported
  const t0 = performance.now()
  const api = new Api({ baseUrl, apiKey })
  const run = spec.source === 'floor' ? undefined : await api.run(path)
  const setupMs = performance.now() - t0
  const cpu0 = cpuMs()
  const t1 = performance.now()
  let out: SpanOutput
  if (name === 'floor-fetch') out = await floorFetch(baseUrl, apiKey, path)
  else if (name === 'floor-decode') out = await floorDecode(baseUrl, apiKey, path)
  else if (name === 'floor-graphql') out = await floorGraphql(baseUrl, apiKey, path)
  else {
    const rows = run!.scanHistory({ source: spec.source as 'parquet' | 'graphql' })
    if (spec.output) {
      const result = await exportToPath(rows, join(scratch, `out.${spec.output}`))
      out = { rows: result.rows, outBytes: result.bytes }
    } else out = { rows: await countRows(rows) }
  }
  const ms = performance.now() - t1
  const cpu = cpuMs() - cpu0
  return {
    case: name,
    runtime: runtimeName,
    version: runtimeVersion(),
    ...out,
    ms,
    cpuMs: cpu,
    peakRssMb: peakRssMb(),
    setupMs,
  }
}

/** The many-runs case: `exportProject` of a whole project (history and runs table) to Parquet. */
async function bulkCase(
  baseUrl: string,
  apiKey: string,
  project: string,
  scratch: string,
): Promise<RemoteResult> {
  const cpu0 = cpuMs()
  const t = performance.now()
  const result = await exportProject({
    source: project,
    out: join(scratch, 'export'),
    api: { baseUrl, apiKey },
  })
  const ms = performance.now() - t
  if (!result.complete) {
    throw new Error(
      `Cannot finish the many-runs case: ${result.failures.length} run(s) failed, e.g. ${
        JSON.stringify(result.failures[0])
      }`,
    )
  }
  return {
    case: 'wbx-bulk',
    runtime: runtimeName,
    version: runtimeVersion(),
    rows: result.progress.rows,
    outBytes: result.progress.bytes,
    ms,
    cpuMs: cpuMs() - cpu0,
    peakRssMb: peakRssMb(),
    setupMs: 0,
  }
}

const [name, baseUrl, apiKey, exported, graphql, scratchParent] = process.argv.slice(2)
if (!name || !baseUrl || !apiKey || !exported || !graphql) {
  console.error(
    'usage: <runtime> bench/remote_case.ts <case> <baseUrl> <apiKey> <exported run> <unexported run> [scratch]',
  )
  process.exit(2)
}
const scratch = mkdtempSync(join(scratchParent ?? tmpdir(), 'wbx-remote-'))
try {
  const result = await runCase(name, baseUrl, apiKey, { exported, graphql }, scratch)
  console.log(JSON.stringify(result))
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
