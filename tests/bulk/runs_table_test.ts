import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import {
  RUNS_TABLE_COLUMNS,
  runsTableRow,
  sortRunsRows,
  writeRunsTable,
} from '../../src/bulk/runs_table.ts'
import type { BulkRun } from '../../src/bulk/bulk_source.ts'

const run = {
  id: 'r1',
  name: 'first',
  state: 'finished',
  tags: ['a', 'b'],
  group: null,
  jobType: 'train',
  createdAt: '2024-05-01T00:00:00',
  updatedAt: '2024-05-02T00:00:00',
  historyLineCount: 10,
  lastHistoryStep: 9,
  config: { lr: 0.1 },
  summary: { acc: 0.9 },
} as unknown as BulkRun

test('runsTableRow gives the snake_case columns, with config and summary when asked', () => {
  const row = runsTableRow(run, false)
  assert.deepEqual(Object.keys(row), [...RUNS_TABLE_COLUMNS])
  assert.deepEqual(row, {
    run_id: 'r1',
    name: 'first',
    state: 'finished',
    tags: ['a', 'b'],
    group: null,
    job_type: 'train',
    created_at: '2024-05-01T00:00:00',
    updated_at: '2024-05-02T00:00:00',
    history_line_count: 10,
    last_history_step: 9,
  })
  assert.notEqual(row.tags, run.tags)
  const full = runsTableRow(run, true)
  assert.deepEqual([full.config, full.summary], [{ lr: 0.1 }, { acc: 0.9 }])
})

test('sortRunsRows orders by creation time, missing last, then run id by code point', () => {
  const rows = [
    { run_id: 'z', created_at: null },
    { run_id: 'b', created_at: '2024-05-02T00:00:00' },
    { run_id: 'a', created_at: null },
    { run_id: 'B', created_at: '2024-05-02T00:00:00Z' },
    { run_id: 'c', created_at: '2024-05-01T00:00:00' },
  ]
  assert.deepEqual(sortRunsRows(rows).map((r) => r.run_id), ['c', 'B', 'b', 'a', 'z'])
  assert.equal(rows[0].run_id, 'z') // the input is not reordered
})

test('writeRunsTable writes sorted CSV with flattened config and reports its sha256', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wbx-runs-table-'))
  try {
    const late = runsTableRow(
      { ...run, id: 'r2', createdAt: '2024-06-01T00:00:00' } as BulkRun,
      true,
    )
    const early = runsTableRow(run, true)
    const record = await writeRunsTable(dir, 'runs.csv', [late, early], { format: 'csv' })
    const text = await readFile(join(dir, 'runs.csv'), 'utf8')
    const lines = text.trimEnd().split(/\r?\n/)
    assert.equal(lines[0], [...RUNS_TABLE_COLUMNS, 'config.lr', 'summary.acc'].join(','))
    assert.ok(lines[1].startsWith('r1,first,finished,'), lines[1])
    assert.ok(lines[2].startsWith('r2,first,finished,'), lines[2])
    assert.equal(record.file, 'runs.csv')
    assert.equal(record.bytes, Buffer.byteLength(text))
    assert.equal(record.sha256, createHash('sha256').update(text).digest('hex'))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
