/**
 * Definitions shared by the remote benchmark scripts: the data sets, the cases on each side,
 * the JSON lines the server and each case print, and the run specs the server understands.
 *
 * @module
 */

/** One run the benchmark server holds. */
export interface ServedRun {
  /** `entity/project/id`. */
  path: string
  /** History rows (steps 0..steps-1). */
  steps: number
  /** Metrics per row besides `_step`, `_runtime`, `_timestamp`. */
  metrics: number
  /** Whether the run has Parquet exports (false: readers page it through GraphQL). */
  exported: boolean
  /** Number of export files (0 when unexported). */
  exportFiles: number
  /** Total bytes of the export files. */
  exportBytes: number
}

/** The line `remote_server.ts` prints once it is ready. */
export interface ServerReady {
  /** API origin, for `Api({baseUrl})` and `wandb.Api(overrides={"base_url": ...})`. */
  baseUrl: string
  /** The accepted API key. */
  apiKey: string
  /** The runs served. */
  runs: ServedRun[]
  /** Milliseconds the server spent building the exports before it answered. */
  buildMs: number
}

/** The JSON line every case prints, on either side. */
export interface RemoteResult {
  /** Case name (a WBX_CASES or SDK_CASES key). */
  case: string
  /** `deno`, `bun`, `node` or `python`. */
  runtime: string
  /** Runtime version (for Python also wandb, pandas and pyarrow). */
  version: string
  /** Rows produced. */
  rows: number
  /** Milliseconds of the measured span: scan (and export), inside the process. */
  ms: number
  /** CPU milliseconds over that span (for the SDK: Python plus its wandb-core process). */
  cpuMs: number
  /** Peak resident set in MB (for the SDK: Python's plus wandb-core's). */
  peakRssMb: number
  /** Milliseconds spent before the span: client set-up and loading the run. */
  setupMs: number
  /** Bytes written, for export cases. */
  outBytes?: number
  /** Bytes received over HTTP, for floor cases. */
  bytesIn?: number
  /** For the SDK: Python's own peak RSS in MB (the rest is wandb-core's). */
  pythonRssMb?: number
}

/** What a wbx case reads and writes. */
export interface WbxCase {
  /** History strategy, or a floor. */
  source: 'parquet' | 'graphql' | 'floor'
  /** Output file, when the case exports. */
  output?: 'ndjson' | 'csv' | 'parquet'
  /** One-line description for the report. */
  what: string
}

/** The wbx cases (`remote_case.ts`), in table order. */
export const WBX_CASES: Record<string, WbxCase> = {
  'parquet-rows': {
    source: 'parquet',
    what: "`run.scanHistory({source: 'parquet'})`, rows counted",
  },
  'parquet-ndjson': {
    source: 'parquet',
    output: 'ndjson',
    what: "`exportToPath(run.scanHistory({source: 'parquet'}), 'out.ndjson')`",
  },
  'parquet-csv': {
    source: 'parquet',
    output: 'csv',
    what: "`exportToPath(run.scanHistory({source: 'parquet'}), 'out.csv')`",
  },
  'parquet-parquet': {
    source: 'parquet',
    output: 'parquet',
    what: "`exportToPath(run.scanHistory({source: 'parquet'}), 'out.parquet')`",
  },
  'graphql-rows': {
    source: 'graphql',
    what: "`run.scanHistory({source: 'graphql'})` on the unexported copy, rows counted",
  },
  'graphql-parquet': {
    source: 'graphql',
    output: 'parquet',
    what: "`exportToPath(run.scanHistory({source: 'graphql'}), 'out.parquet')` (unexported copy)",
  },
  'floor-fetch': {
    source: 'floor',
    what: 'floor: `RunParquetHistory`, then one plain GET of each export file (bytes only)',
  },
  'floor-decode': {
    source: 'floor',
    what:
      'floor: the same GETs plus hyparquet `parquetRead` of every column (columnar, no row objects)',
  },
  'floor-graphql': {
    source: 'floor',
    what:
      'floor: plain `HistoryPage` POSTs of 1000 steps over the unexported copy, `JSON.parse` of the body and of each row',
  },
}

/** The SDK cases (`remote_sdk.py`), in table order. */
export const SDK_CASES: Record<string, string> = {
  'sdk-rows': '`for row in run.scan_history(): n += 1`',
  'sdk-ndjson': '`f.write(json.dumps(row) + "\\n")` for each row of `run.scan_history()`',
  'sdk-csv': '`pandas.DataFrame(list(run.scan_history())).to_csv(path, index=False)`',
  'sdk-parquet': '`pandas.DataFrame(list(run.scan_history())).to_parquet(path)` (pyarrow, snappy)',
  'sdk-graphql-rows':
    '`run.scan_history()` on the unexported copy (wandb-core pages `HistoryPage`)',
}

/** The many-runs cases (run on the many-runs data set only), SDK first. */
export const MANY_CASES: Record<string, string> = {
  'sdk-bulk':
    'a plain SDK loop: `for run in api.runs(project)`: `pandas.DataFrame(list(run.scan_history())).to_parquet(...)` per run, then a runs table (id, name, config, summary) to Parquet',
  'wbx-bulk':
    '`exportProject({source: project, out})` (`wbx export`): history and the runs table (config, summary) to Parquet, 8 runs at once',
}

/** Which SDK case each wbx case is compared with. */
export const BASELINE: Record<string, string> = {
  'parquet-rows': 'sdk-rows',
  'parquet-ndjson': 'sdk-ndjson',
  'parquet-csv': 'sdk-csv',
  'parquet-parquet': 'sdk-parquet',
  'graphql-rows': 'sdk-graphql-rows',
  'graphql-parquet': 'sdk-parquet',
  'floor-fetch': 'sdk-rows',
  'floor-decode': 'sdk-rows',
  'floor-graphql': 'sdk-graphql-rows',
  'wbx-bulk': 'sdk-bulk',
}

/**
 * One data set: a generated run of `steps` rows × `metrics` metrics, exported and not; or, with
 * `runs`, a project of that many exported runs of that size (the many-runs export).
 */
export interface DataSet {
  /** History rows (per run). */
  steps: number
  /** Metrics per row. */
  metrics: number
  /** Runs in the project, for the many-runs data set. */
  runs?: number
  /** Delay the server adds to every request after start-up, in ms (a stand-in for the network). */
  latencyMs?: number
}

/** The project of the many-runs data set. */
export const MANY_PROJECT = 'bench/many'

/** Parses many-runs data sets `RUNSxSTEPSxMETRICS[@LATENCY_MS]`, comma-separated; RangeError when malformed. */
export function parseMany(text: string): DataSet[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const m = /^(\d+)x(\d+)x(\d+)(?:@(\d+))?$/.exec(s)
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 1 || Number(m[3]) < 1) {
      throw new RangeError(
        `Cannot read --many ${
          JSON.stringify(s)
        }: use RUNSxSTEPSxMETRICS[@LATENCY_MS], e.g. 200x1000x20@50`,
      )
    }
    return withLatency({ runs: Number(m[1]), steps: Number(m[2]), metrics: Number(m[3]) }, m[4])
  })
}

/** Adds a latency given as text, when there is one. */
function withLatency(set: DataSet, latency: string | undefined): DataSet {
  return latency && Number(latency) > 0 ? { ...set, latencyMs: Number(latency) } : set
}

/** Parses `10000x20,100000x20@50` (STEPSxMETRICS[@LATENCY_MS]) into data sets; RangeError when malformed. */
export function parseSizes(text: string): DataSet[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const m = /^(\d+)x(\d+)(?:@(\d+))?$/.exec(s)
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) {
      throw new RangeError(
        `Cannot read size ${
          JSON.stringify(s)
        }: use STEPSxMETRICS[@LATENCY_MS], e.g. 100000x20 or 100000x20@50`,
      )
    }
    return withLatency({ steps: Number(m[1]), metrics: Number(m[2]) }, m[3])
  })
}

/** The exported and the unexported run paths of a data set. */
export function runPaths(set: DataSet): { exported: string; graphql: string } {
  const id = `${set.steps}x${set.metrics}`
  return { exported: `bench/remote/r${id}`, graphql: `bench/remote/g${id}` }
}

/** Parses one `ENTITY/PROJECT/ID:STEPS:METRICS[:graphql]` server spec; RangeError when malformed. */
export function parseRunSpec(spec: string): Omit<ServedRun, 'exportFiles' | 'exportBytes'> {
  const m = /^([^/:]+\/[^/:]+\/[^/:]+):(\d+):(\d+)(:graphql)?$/.exec(spec)
  if (!m) {
    throw new RangeError(
      `Cannot read run spec ${
        JSON.stringify(spec)
      }: use ENTITY/PROJECT/ID:STEPS:METRICS, optionally followed by :graphql`,
    )
  }
  return { path: m[1], steps: Number(m[2]), metrics: Number(m[3]), exported: !m[4] }
}

/** The server specs of a data set: its exported run and its unexported copy, or the project's runs. */
export function serverSpecs(set: DataSet): string[] {
  if (set.runs) {
    return Array.from(
      { length: set.runs },
      (_, i) => `${MANY_PROJECT}/r${String(i).padStart(4, '0')}:${set.steps}:${set.metrics}`,
    )
  }
  const { exported, graphql } = runPaths(set)
  return [
    `${exported}:${set.steps}:${set.metrics}`,
    `${graphql}:${set.steps}:${set.metrics}:graphql`,
  ]
}
