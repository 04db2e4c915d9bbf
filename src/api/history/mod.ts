/**
 * Remote run history: every row (`scanHistory`, from Parquet exports plus the live tail, or from
 * GraphQL pages), a server-chosen sample (`sampledHistory`, the SDK's `Run.history()`), and the
 * export files themselves (`downloadHistoryExports`).
 *
 * @module
 */
export { scanHistory } from './scan_history.ts'
export { followHistory } from './follow_history.ts'
export type { FollowHistoryOptions, RemoteFollowEnd } from './follow_history.ts'
export type { HistoryScanReport, HistorySource, ScanHistoryOptions } from './scan_history.ts'
export type { KeysMode } from '../../history/key_selection.ts'
export { sampledHistory } from './sampled_history.ts'
export type { SampledHistory, SampledHistoryOptions } from './sampled_history.ts'
export { downloadHistoryExports } from './download_exports.ts'
export type { DownloadHistoryExportsOptions, DownloadHistoryResult } from './download_exports.ts'
export { IncompleteRunHistoryError } from './incomplete_history_error.ts'
export { fetchLastHistoryStep } from './last_history_step.ts'
export type { HistoryRequestOptions, HistoryRunRef, HistoryTransport } from './history_target.ts'
export type { FetchLike, SignedFetchOptions } from './signed_fetch.ts'
export { HistoryShortfallError } from './history_shortfall.ts'
export type { ShortfallMode } from './history_shortfall.ts'
