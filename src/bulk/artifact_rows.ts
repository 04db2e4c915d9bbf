/**
 * The artifacts table of a bulk export: the one artifact row vocabulary (`src/source/rows.ts`),
 * the same columns as `wbx artifacts`, with lists and metadata kept as JSON text so a column's
 * type never varies between runs.
 *
 * @module
 */
import type { Row } from '../row.ts'
import type { RunReader } from '../source/run_reader.ts'
import { ARTIFACT_COLUMNS, artifactRows } from '../source/rows.ts'

export { ARTIFACT_COLUMNS }

/** An artifact row as the artifacts table holds it: `aliases`, `tags`, `metadata` as JSON text. */
export function artifactTableRow(row: Row): Row {
  return {
    ...row,
    aliases: JSON.stringify(row.aliases ?? []),
    tags: JSON.stringify(row.tags ?? []),
    metadata: row.metadata ? JSON.stringify(row.metadata) : null,
  }
}

/** A reader's artifacts-table rows, logged then used. */
export async function artifactTableRows(reader: RunReader, signal: AbortSignal): Promise<Row[]> {
  return (await artifactRows(reader, undefined, signal)).map(artifactTableRow)
}
