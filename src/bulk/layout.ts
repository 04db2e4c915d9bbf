/**
 * Where everything goes inside an export folder. Tables are Hive-partitioned by run so engines
 * add a `run_id` column from the path:
 *
 * ```
 * DIR/wbx-manifest.json                        manifest (wbx-manifest-shard-<i>-of-<n>.json per shard)
 * DIR/runs.parquet                             one row per run (runs-shard-<i>-of-<n>.parquet per shard)
 * DIR/history/run_id=<id>/part-00000.parquet   history, in step order, one file per part
 * DIR/system/run_id=<id>/part-00000.parquet    system metrics (--system)
 * DIR/artifacts/run_id=<id>/part-00000.parquet logged and used artifacts (--artifacts)
 * DIR/logs/<id>/output.log                     console output (--logs)
 * DIR/files/<id>/<name>                        run files (--files)
 * ```
 *
 * @module
 */
import type { ExportFormat } from '../export/mod.ts'
import type { Shard } from './shard.ts'

/** The tables partitioned by run. */
export type PartitionedTable = 'history' | 'system' | 'artifacts'

/** File extension of a format. */
export function extensionOf(format: ExportFormat): string {
  return format === 'ndjson' ? 'ndjson' : format
}

/** A run id as a path segment: characters outside `[A-Za-z0-9_-]` percent-encoded (as Hive does). */
export function encodeRunId(runId: string): string {
  if (runId === '') throw new TypeError('Cannot place a run with an empty id in the export folder')
  let out = ''
  for (const byte of new TextEncoder().encode(runId)) {
    const ch = String.fromCharCode(byte)
    out += /[A-Za-z0-9_-]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** The folder of one run's partition of a table, relative to the export folder (`/` separators). */
export function partitionDir(table: PartitionedTable, runId: string): string {
  return `${table}/run_id=${encodeRunId(runId)}`
}

/** A part file's path relative to the export folder, e.g. `history/run_id=ab12/part-00003.parquet`. */
export function partPath(
  table: PartitionedTable,
  runId: string,
  index: number,
  format: ExportFormat,
): string {
  return `${partitionDir(table, runId)}/part-${String(index).padStart(5, '0')}.${
    extensionOf(format)
  }`
}

/** The console log's path relative to the export folder. */
export function logPath(runId: string): string {
  return `logs/${encodeRunId(runId)}/output.log`
}

/** The folder of one run's files relative to the export folder. */
export function filesDir(runId: string): string {
  return `files/${encodeRunId(runId)}`
}

/** The `-shard-<i>-of-<n>` infix of per-shard file names, or '' without a shard. */
function shardInfix(shard: Shard | undefined): string {
  return shard ? `-shard-${shard.index}-of-${shard.count}` : ''
}

/** The manifest's file name: `wbx-manifest.json`, or `wbx-manifest-shard-<i>-of-<n>.json`. */
export function manifestName(shard: Shard | undefined): string {
  return `wbx-manifest${shardInfix(shard)}.json`
}

/** The journal beside the manifest that records progress between manifest writes. */
export function journalName(shard: Shard | undefined): string {
  return `.wbx-journal${shardInfix(shard)}.ndjson`
}

/** The runs table's file name: `runs.parquet`, or `runs-shard-<i>-of-<n>.parquet`. */
export function runsTableName(shard: Shard | undefined, format: ExportFormat): string {
  return `runs${shardInfix(shard)}.${extensionOf(format)}`
}

/** Whether a file name is one of wbx's manifests. */
export function isManifestName(name: string): boolean {
  return /^wbx-manifest(-shard-\d+-of-\d+)?\.json$/.test(name)
}
