/**
 * The error `downloadHistoryExports` throws when a run has rows not yet exported to Parquet.
 *
 * @module
 */

/**
 * The run holds history rows not exported to Parquet yet (it is running, or the export lags),
 * and complete history was required. The SDK's `IncompleteRunHistoryError`; catch it to retry
 * later, or pass `requireCompleteHistory: false` and read the rest with `scanHistory`.
 */
export class IncompleteRunHistoryError extends Error {
  /** `entity/project/run_id`. */
  readonly runPath: string
  /** How many rows are not exported yet. */
  readonly liveRows: number
  /** The first step not exported yet. */
  readonly minLiveStep: number

  /** Describes `runPath`'s unexported rows. */
  constructor(runPath: string, liveRows: number, minLiveStep: number) {
    super(
      `Cannot download the complete history of ${runPath}: ${liveRows} row(s) from step ${minLiveStep} ` +
        'are not exported to Parquet yet; try again later, pass requireCompleteHistory: false, ' +
        'or read every row with scanHistory',
    )
    this.name = 'IncompleteRunHistoryError'
    this.runPath = runPath
    this.liveRows = liveRows
    this.minLiveStep = minLiveStep
  }
}
