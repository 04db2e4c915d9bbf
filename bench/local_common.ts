/**
 * Definitions shared by the local-decode benchmark scripts: the wbx cases, the JSON line each
 * case prints, and the peak-memory probe.
 *
 * @module
 */
import { readFileSync } from 'node:fs'
import process from 'node:process'

/** What each wbx case measures, in table order. */
export const LOCAL_CASES: Record<string, string> = {
  records: '`readRecords(file, {types: history})`: framing, CRC, protobuf decode; records counted',
  open:
    "`LocalRun.open(file, { metadata: 'full' })`: the metadata pass every CLI command makes first (not in the rows/s race)",
  rows: '`LocalRun.scanHistory()`: full row objects (values JSON-parsed), counted',
  'open-rows':
    '`LocalRun.open(file)` then `scanHistory()`: every row of a run as a library user gets it (the default lazy open reads the file once; attributes read afterwards would run the metadata pass)',
  'open-scan-rows':
    "the same with `LocalRun.open(file, { metadata: 'scan' })`: the scan runs the metadata pass along, so the attributes then cost no second read",
  'open-full-rows':
    "the same with `LocalRun.open(file, { metadata: 'full' })`, the eager pass that was the default before the one-read open",
  ndjson: '`exportToPath(run.scanHistory(), "out.ndjson")`: rows to an NDJSON file',
  parquet: '`exportToPath(run.scanHistory(), "out.parquet")`: rows to a Parquet file (snappy)',
}

/** The JSON line a case prints. */
export interface CaseResult {
  /** Case name (a LOCAL_CASES key, or `python`). */
  case: string
  /** Runtime that ran it (`deno`, `bun`, `node`, `python`). */
  runtime: string
  /** Version of that runtime (for Python also the wandb and protobuf versions). */
  version: string
  /** History rows (or history records for `records`) produced. */
  rows: number
  /** Size of the `.wandb` file in bytes. */
  bytes: number
  /** Time of the measured work, inside the process, in milliseconds. */
  ms: number
  /** CPU time (user + system, all threads) over the same span, in milliseconds. */
  cpuMs: number
  /** Peak resident set of the process (VmHWM), in MB. */
  peakRssMb: number
  /** Bytes of the output file, for export cases. */
  outBytes?: number
  /** Time LocalRun.open took before the measured span, for the row and export cases. */
  openMs?: number
}

/** Peak resident set of this process in MB (VmHWM on Linux, else the current RSS). */
export function peakRssMb(): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
    if (match) return Number(match[1]) / 1024
  } catch {
    // not Linux: fall back to the current resident set
  }
  return process.memoryUsage().rss / 2 ** 20
}

/** The JSON line a stage run prints. */
export interface StageResult {
  /** Stage name. */
  name: string
  /** Runtime that ran it. */
  runtime: string
  /** Items the pass produced (bytes, records or rows). */
  items: number
  /** Time of the pass, in milliseconds. */
  ms: number
  /** CPU time of the pass (user + system, all threads), in milliseconds. */
  cpuMs: number
}

/** What `list` prints for each stage. */
export interface StageInfo {
  /** Short name. */
  name: string
  /** The stage whose work this one includes. */
  base?: string
  /** What the pass does. */
  what: string
}
