/**
 * The row shapes every wbx source emits and every exporter consumes.
 *
 * @module
 */

/** One row of run data: history, system metrics or a runs table; values are JSON-like (numbers may be NaN or ±Infinity). */
export type Row = Record<string, unknown>

/** A stream chunk: sources emit batches so per-chunk stream overhead stays small. */
export type RowBatch = Row[]
