/**
 * What a damaged `.wandb` file lost: byte ranges skipped by recovery and gaps in `Record.num`.
 *
 * @module
 */

/** One span of the file that recovery skipped, with the reason. */
export interface LostRange {
  /** First byte offset skipped. */
  start: number
  /** Offset after the last byte skipped. */
  end: number
  /** Why it was skipped, e.g. `checksum mismatch`, `orphan LAST chunk`, `truncated tail`. */
  reason: string
}

/** A gap in the `Record.num` sequence, which reveals records lost to damage. */
export interface NumGap {
  /** The last `num` seen before the gap. */
  after: number
  /** The first `num` seen after the gap. */
  before: number
  /** How many record numbers are missing. */
  missing: number
}

/** Everything recovery had to skip while reading one `.wandb` file. */
export interface DamageReport {
  /** The `.wandb` file read. */
  file: string
  /** Byte ranges that could not be read as intact records. */
  lostRanges: LostRange[]
  /** Gaps in `Record.num`. */
  numGaps: NumGap[]
  /** True when the file ends mid-record: the run was still running or was killed while writing. */
  truncatedTail: boolean
  /** Records read intact. */
  records: number
}

/** Creates an empty report for a file. */
export function emptyDamageReport(file: string): DamageReport {
  return { file, lostRanges: [], numGaps: [], truncatedTail: false, records: 0 }
}

/** Whether a report describes any loss (a truncated tail alone counts as loss of the partial record). */
export function isDamaged(report: DamageReport): boolean {
  return report.lostRanges.length > 0 || report.numGaps.length > 0
}

/** Formats a report as human-readable lines for stderr. */
export function formatDamageReport(report: DamageReport): string {
  const lines: string[] = []
  for (const r of report.lostRanges) {
    lines.push(
      `${report.file}: skipped bytes ${r.start}-${r.end} (${r.end - r.start} bytes): ${r.reason}`,
    )
  }
  for (const g of report.numGaps) {
    lines.push(
      `${report.file}: ${g.missing} record(s) missing between record num ${g.after} and ${g.before}`,
    )
  }
  return lines.join('\n')
}
