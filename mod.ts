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
  type LocalRunHtmlOptions,
  type LocalRunOptions,
  type RunSegment,
} from './src/local/local_run.ts'
export { type ListLocalRunsOptions, type LocalRunEntry, LocalRuns } from './src/local/local_runs.ts'
export type { ScanHistoryOptions } from './src/local/history_scan.ts'
export type { FollowEnd, FollowOptions } from './src/local/follow_log.ts'
export { FollowIdleError } from './src/follow_idle_error.ts'
export type { ConsoleLine, ConsoleOptions, ConsoleStream } from './src/local/console_output.ts'
export type { HistoryKeys, TypeCount } from './src/local/history_keys.ts'
export type { StepTally } from './src/local/history_record_row.ts'
export type { RunFolder, SkippedFolder } from './src/local/run_folder.ts'
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
export type { RecordType } from './src/local/decode_record.ts'
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
export { Api, type RunLoadOptions, type Viewer } from './src/api/api.ts'
export type { ApiOptions, TransferLimits } from './src/api/api_options.ts'
export {
  Run,
  type RunClient,
  type RunDeleteOptions,
  type RunHtmlOptions,
  type RunOptions,
  type RunUpdateOptions,
  type RunUser,
} from './src/api/run.ts'
export type { RunNode, RunsOptions } from './src/api/runs.ts'
export type { FilesOptions } from './src/api/files.ts'
export type { ArtifactsOptions } from './src/api/artifacts.ts'
export {
  formatRunPath,
  parseProjectPath,
  parseRunPath,
  type ProjectPathParts,
  type RunPath,
  type RunPathParts,
} from './src/api/run_path.ts'
export { WandbApiError, type WandbApiErrorCode } from './src/api/wandb_api_error.ts'
export { redactText } from './src/api/redact.ts'
export {
  type FileDownloadOptions,
  type FileStreamOptions,
  RunFile,
  type RunFileInfo,
} from './src/api/file.ts'
export type { DownloadResult } from './src/api/download_to_file.ts'
export {
  Artifact,
  type ArtifactDownloadOptions,
  type ArtifactDownloadResult,
  type ArtifactInfo,
  type ManifestEntry as ArtifactManifestEntry,
} from './src/api/artifact.ts'
export type {
  FetchUrlOptions,
  GraphqlRequestOptions,
  GraphqlTransport,
  ResponseSchema,
} from './src/api/transport.ts'
export type { GraphqlOperation } from './src/api/queries.ts'
export type { RetryPolicy } from './src/http/retry_policy.ts'
export type {
  DeprecatedRetryOptions,
  RetryOptions,
  RetryOptionsInput,
} from './src/http/retry_options.ts'
export type { RetryEvent } from './src/http/retrying_fetch.ts'
export type { FollowPollOptions } from './src/api/follow_poll.ts'
export {
  type DownloadHistoryExportsOptions,
  type DownloadHistoryResult,
  type FetchLike,
  type FollowHistoryOptions,
  type HistoryScanReport,
  HistoryShortfallError,
  type HistorySource,
  IncompleteRunHistoryError,
  type KeysMode,
  type RemoteFollowEnd,
  type SampledHistory,
  type SampledHistoryOptions,
  type ScanHistoryOptions as RemoteScanHistoryOptions,
  type ShortfallMode,
  type SignedFetchOptions,
} from './src/api/history/mod.ts'
export type { KeySelectionOptions } from './src/history/key_selection.ts'
export type { SummaryMethods, SummaryPath, SummaryView } from './src/api/summary_view.ts'
export type {
  RunChanges,
  RunFieldChange,
  RunTextField,
  RunWriteResult,
} from './src/api/run_update.ts'
export type { JsonEdit } from './src/json/json_edit.ts'
export type { CreateRunOptions } from './src/api/run_create.ts'
export type { SettableRunState, WaitUntilFinishedOptions } from './src/api/run_lifecycle.ts'
export type { UploadFetchOptions, UploadFileOptions } from './src/api/upload_file.ts'
export type { LogArtifactOptions, UseArtifactOptions } from './src/api/artifact_links.ts'
export type {
  RunArtifactEntry,
  RunArtifactFileEntry,
  RunConsoleOptions,
  RunFileEntry,
  RunFollowEnd,
  RunFollowOptions,
  RunHistoryOptions,
  RunListFilesOptions,
  RunOpenFileOptions,
  RunReader,
  RunSystemOptions,
} from './src/source/run_reader.ts'
export {
  type OpenRunOptions,
  openRunReader,
  registerRunOpener,
  type RunOpener,
} from './src/source/open_run.ts'
export {
  openRunCatalog,
  type OpenRunCatalogOptions,
  type RunCatalog,
  type RunCatalogEntry,
  type RunCatalogListOptions,
} from './src/source/run_catalog.ts'
export * from './src/bulk/mod.ts'
export * from './src/report/mod.ts'
