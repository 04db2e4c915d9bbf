/**
 * What one run of a bulk export may hold in memory, from what the listing already says about it
 * (`historyLineCount` and its columns), so row-group buffers are sized for the run instead of for
 * the largest group, and the export's byte budget (`byte_budget.ts`) knows what to reserve.
 *
 * The estimate per run: `RUN_BASE_BYTES` (a listing entry, request and response objects, the
 * export file's tail) plus `CELL_BYTES` per cell of one row group: the group's column buffers (9 bytes per
 * numeric cell, twice while the writer encodes the previous group), its encoded pages, and the
 * rows read for it in flight (the body of a range read, then decoded row objects), and the garbage
 * they leave until the collector runs. Calibrated by `bench/memory_budget.bench.ts` (Deno, Bun):
 * each more 30k-row run of 13 columns in flight added 7 to 23 MB of peak RSS, and 128 runs of
 * 6,000 rows held about 1.3 × what 48 bytes per cell reserved, so 64.
 *
 * @module
 */

/** Rows of the largest row group (the Parquet exporter's `rowGroupSize` default). */
export const MAX_GROUP_ROWS = 100_000

/** Cells of the largest row group (the Parquet exporter's `rowGroupCells` default). */
export const MAX_GROUP_CELLS = 1_000_000

/** Rows of the smallest row group a part is written with, whatever the run says. */
export const MIN_GROUP_ROWS = 1024

/** Bytes per cell of a row group in flight (see the module docs). */
export const CELL_BYTES = 64

/**
 * Bytes every run in flight holds besides its row group: the export file's tail read whole (1 MiB
 * by default, `exportTailBytes`), its decoded footer and the request and response objects. A
 * 150-run export held about 4.6 MB more peak RSS per more small run in flight (Deno, `-j 64`
 * against `-j 8`), so 256 KiB, the earlier figure, let the budget admit far more runs than it held.
 */
export const RUN_BASE_BYTES = 2 * 1024 * 1024

/**
 * Rows per row group for a part expected to hold `expectedRows` rows: that many (within
 * `MIN_GROUP_ROWS`..`MAX_GROUP_ROWS`). A part that holds no more rows than expected gets the
 * same groups, and so the same bytes, as with the largest groups.
 */
export function groupRowsFor(expectedRows: number): number {
  const rows = Number.isFinite(expectedRows) ? Math.ceil(expectedRows) : MAX_GROUP_ROWS
  return Math.min(MAX_GROUP_ROWS, Math.max(MIN_GROUP_ROWS, rows))
}

/** Bytes to reserve for a run whose history parts hold about `rows` rows of `columns` columns. */
export function runBytes(rows: number, columns: number): number {
  const width = Math.max(1, columns)
  const groupRows = Math.min(groupRowsFor(rows), Math.max(1, Math.floor(MAX_GROUP_CELLS / width)))
  return RUN_BASE_BYTES + groupRows * width * CELL_BYTES
}
