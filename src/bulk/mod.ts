/**
 * Bulk export of whole W&B projects (or local `wandb/` folders) into a dataset folder that
 * DuckDB, Spark or polars read directly, and verification of such a folder.
 *
 * @example Export a project, then verify it
 * ```ts
 * import { exportProject, verifyDataset } from './mod.ts'
 * const result = await exportProject({ source: 'my-team/my-project', out: 'export/' })
 * console.log(result.complete, result.progress.rows)
 * const report = await verifyDataset('export/')
 * if (!report.ok) console.error(report.problems)
 * ```
 *
 * @module
 */
export {
  type BulkExportOptions,
  type BulkExportResult,
  exportProject,
  resolveInclude,
} from './bulk_export.ts'
export type { BulkProgressEvent, ProgressSnapshot } from './bulk_progress.ts'
export type {
  BulkFile,
  BulkHistoryOptions,
  BulkRun,
  BulkRunHandle,
  BulkSource,
  HistoryKeyTypes,
} from './bulk_source.ts'
export {
  Governor,
  type GovernorEvent,
  type GovernorOptions,
  type GovernorSample,
  type GovernorStats,
  type PauseInfo,
} from './governor.ts'
export { LocalBulkSource } from './local_bulk_source.ts'
export { ByteBudget } from './byte_budget.ts'
export { MemoryWatch, type MemoryWatchOptions, type MemoryWatchStats } from './memory_watch.ts'
export { RunSlots } from './run_slots.ts'
export {
  type FailureRecord,
  type FileRecord,
  type HistoryExport,
  type Include,
  type Manifest,
  MANIFEST_FORMAT,
  MANIFEST_TIMESTAMP_FIELDS,
  MANIFEST_VERSION,
  type ManifestQuery,
  type ManifestSource,
  type ManifestTotals,
  type PartRecord,
  type RunEntry,
  type RunFileRecord,
  type TableRecord,
} from './manifest.ts'
export type { HistorySchema } from './history_schema.ts'
export { readManifest } from './manifest_file.ts'
export type { ExportPlan, RunPlan } from './plan.ts'
export { RemoteBulkSource, type RemoteBulkSourceOptions } from './remote_bulk_source.ts'
export type { RunAction } from './run_action.ts'
export { parseRunIds, type RunQuery } from './run_query.ts'
export { inShard, parseShard, type Shard, shardOf } from './shard.ts'
export { parseSince, type Since, type SinceField } from './since.ts'
export {
  verifyDataset,
  type VerifyOptions,
  type VerifyProblem,
  type VerifyProblemKind,
  type VerifyReport,
} from './verify.ts'
