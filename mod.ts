/**
 * wbx: stream Weights & Biases run data (history, system metrics, config, summary, files,
 * artifacts, console logs) from local `.wandb` run folders into NDJSON, CSV or Parquet.
 *
 * @example Export a local run's history to Parquet
 * ```ts
 * import { exportToPath, LocalRun } from '@wbx/wbx'
 *
 * const run = await LocalRun.open('./wandb/latest-run')
 * await exportToPath(run.scanHistory(), 'history.parquet')
 * ```
 *
 * @module
 */
export type { Row, RowBatch } from './src/row.ts'
export { VERSION } from './src/version.ts'
export { parseJson } from './src/json/parse_json.ts'
export { stringifyJson, type StringifyJsonOptions } from './src/json/stringify_json.ts'
export * from './src/export/mod.ts'
export {
  type ConsoleLinesOptions,
  type HistoryOptions,
  LocalRun,
  type LocalRunOptions,
  type RunSegment,
} from './src/local/local_run.ts'
export { type ListLocalRunsOptions, type LocalRunEntry, LocalRuns } from './src/local/local_runs.ts'
export type { ScanHistoryOptions } from './src/local/history_scan.ts'
export type { ConsoleLine, ConsoleStream } from './src/local/console_output.ts'
export type { HistoryKeys, TypeCount } from './src/local/history_keys.ts'
export type { LocalFile } from './src/local/run_files.ts'
export type { LocalArtifact, UsedArtifact } from './src/local/run_artifacts.ts'
export type { RunState } from './src/local/run_state.ts'
export {
  peekRecordType,
  readRecords,
  readRecordsFromBytes,
  type ReadRecordsOptions,
} from './src/local/read_records.ts'
export type * from './src/local/record_types.ts'
export {
  type DamageReport,
  formatDamageReport,
  isDamaged,
  type LostRange,
  type NumGap,
} from './src/local/damage_report.ts'
export {
  ProtobufDecodeError,
  WandbLogDamageError,
  WandbLogFormatError,
} from './src/local/errors.ts'
