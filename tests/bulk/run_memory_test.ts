import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parquetMetadata } from 'hyparquet'
import type { BulkRun } from '../../src/bulk/bulk_source.ts'
import { exportHistoryParts } from '../../src/bulk/history_parts.ts'
import type { Row } from '../../src/row.ts'
import {
  CELL_BYTES,
  groupRowsFor,
  MAX_GROUP_ROWS,
  MIN_GROUP_ROWS,
  RUN_BASE_BYTES,
  runBytes,
} from '../../src/bulk/run_memory.ts'

test('row groups are sized for the rows a part should hold, within bounds', () => {
  assert.equal(groupRowsFor(5000), 5000)
  assert.equal(groupRowsFor(10), MIN_GROUP_ROWS)
  assert.equal(groupRowsFor(0), MIN_GROUP_ROWS)
  assert.equal(groupRowsFor(10_000_000), MAX_GROUP_ROWS)
  assert.equal(groupRowsFor(Infinity), MAX_GROUP_ROWS)
  assert.equal(groupRowsFor(NaN), MAX_GROUP_ROWS)
})

test("a run's reservation grows with its rows up to one full row group of cells", () => {
  const small = runBytes(500, 21)
  assert.equal(small, RUN_BASE_BYTES + MIN_GROUP_ROWS * 21 * CELL_BYTES)
  assert.equal(runBytes(20_000, 21), RUN_BASE_BYTES + 20_000 * 21 * CELL_BYTES)
  // 1M cells at most: 47,619 rows of 21 columns, however long the run.
  const big = RUN_BASE_BYTES + 47_619 * 21 * CELL_BYTES
  assert.equal(runBytes(300_000, 21), big)
  assert.equal(runBytes(30_000_000, 21), big)
  assert.ok(small * 10 < big, 'a small run reserves a small fraction of what a big one does')
})

/** A run of `rows` history rows (`_step`, `loss`) whose listing says `lineCount` lines. */
function fakeRun(rows: number, lineCount: number): BulkRun {
  const keys = { loss: { typeCounts: [{ type: 'number', count: 1 }] } }
  return {
    id: 'r1',
    historyLineCount: lineCount,
    lastHistoryStep: rows - 1,
    historyKeys: keys,
    history: ({ minStep, maxStep }) => {
      let step = minStep
      return new ReadableStream<Row[]>({
        pull(controller) {
          if (step >= maxStep) return controller.close()
          const batch: Row[] = []
          for (; step < maxStep && batch.length < 700; step++) {
            batch.push({ _step: step, loss: step / 3 })
          }
          controller.enqueue(batch)
        },
      })
    },
  } as Partial<BulkRun> as BulkRun
}

/** Exports a run's history as Parquet parts; returns the row-group sizes of each part. */
async function partGroups(run: BulkRun, partRows: number): Promise<number[][]> {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-run-memory-'))
  try {
    const groups: number[][] = []
    await exportHistoryParts(run, 0, 0, {
      dir,
      format: 'parquet',
      codec: 'gzip',
      partRows,
      expectedRows: run.historyLineCount,
      signal: new AbortController().signal,
      onPart: async (part) => {
        const bytes = await readFile(join(dir, part.file))
        const meta = parquetMetadata(
          bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
        )
        groups.push(meta.row_groups.map((g) => Number(g.num_rows)))
      },
    })
    return groups
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

test("a part's row groups are sized from the run's historyLineCount, not for 100k rows", async () => {
  // The listing says 2,000 lines but the run holds 5,000 rows: groups of 2,000 show the sizing.
  assert.deepEqual(await partGroups(fakeRun(5000, 2000), 1_000_000), [[2000, 2000, 1000]])
  // Parts after the first are sized from what the listing says is left (500, then none).
  assert.deepEqual(await partGroups(fakeRun(6000, 3000), 2500), [[2500], [1024, 1024, 452], [
    1000,
  ]])
})

test('a run holding what its listing says gets one group per part, as with the largest groups', async () => {
  assert.deepEqual(await partGroups(fakeRun(5000, 5000), 1_000_000), [[5000]])
  assert.deepEqual(await partGroups(fakeRun(5000, 5000), 2000), [[2000], [2000], [1000]])
})
