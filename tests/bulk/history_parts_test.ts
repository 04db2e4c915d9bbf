import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { exportHistoryParts, HistoryRewoundError } from '../../src/bulk/history_parts.ts'
import type { PartRecord } from '../../src/bulk/manifest.ts'
import { rowFingerprint } from '../../src/bulk/row_fingerprint.ts'
import type { Row } from '../../src/row.ts'
import { memoryRun } from './_memory_run.ts'
import { tempDir } from './_project.ts'

async function ndjsonRows(dir: string, file: string): Promise<Row[]> {
  const text = await readFile(join(dir, file), 'utf8')
  return text.split('\n').filter((l) => l).map((l) => JSON.parse(l))
}

const signal = new AbortController().signal

test('exportHistoryParts cuts the rows into parts of partRows, reported in order with sha256 and steps', async () => {
  const { dir, cleanup } = tempDir('parts')
  try {
    const parts: PartRecord[] = []
    let rowsSeen = 0
    await exportHistoryParts(memoryRun(10), 0, 0, {
      dir,
      format: 'ndjson',
      partRows: 4,
      signal,
      onPart: (p) => {
        parts.push(p)
        return Promise.resolve()
      },
      onRows: (n) => (rowsSeen += n),
    })
    assert.equal(rowsSeen, 10)
    assert.deepEqual(parts.map((p) => [p.file, p.rows, p.minStep, p.maxStep]), [
      ['history/run_id=mem1/part-00000.ndjson', 4, 0, 3],
      ['history/run_id=mem1/part-00001.ndjson', 4, 4, 7],
      ['history/run_id=mem1/part-00002.ndjson', 2, 8, 9],
    ])
    assert.deepEqual((await readdir(join(dir, 'history', 'run_id=mem1'))).sort(), [
      'part-00000.ndjson',
      'part-00001.ndjson',
      'part-00002.ndjson',
    ])
    const all: Row[] = []
    for (const p of parts) {
      const bytes = await readFile(join(dir, p.file))
      assert.equal(p.bytes, bytes.byteLength)
      assert.equal(p.sha256, createHash('sha256').update(bytes).digest('hex'))
      all.push(...await ndjsonRows(dir, p.file))
    }
    assert.deepEqual(all.map((r) => r._step), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    assert.deepEqual(all[2], { _step: 2, loss: 1 / 3, acc: 20 })
    assert.equal(parts[2].lastRowHash, rowFingerprint(all[9]))
  } finally {
    cleanup()
  }
})

test('a continued export starts after the watermark, numbers parts on, and writes CSV with the schema', async () => {
  const { dir, cleanup } = tempDir('parts-continue')
  try {
    const run = memoryRun(8)
    const first: Row = { _step: 4, loss: 1 / 5, acc: 40 }
    const parts: PartRecord[] = []
    await exportHistoryParts(run, 5, 7, {
      dir,
      format: 'csv',
      partRows: 100,
      signal,
      onPart: (p) => (parts.push(p), Promise.resolve()),
    }, { step: 4, hash: rowFingerprint(first) })
    assert.equal(parts.length, 1)
    assert.equal(parts[0].file, 'history/run_id=mem1/part-00007.csv')
    assert.deepEqual([parts[0].minStep, parts[0].maxStep, parts[0].rows], [5, 7, 3])
    const lines = (await readFile(join(dir, parts[0].file), 'utf8')).trim().split(/\r?\n/)
    assert.equal(lines[0], '_step,acc,loss', 'the schema: _step, then keys sorted')
    assert.equal(lines.length, 4)
    assert.match(lines[1], /^5,,0\.1666/, 'acc is empty on odd steps')
    assert.match(lines[2], /^6,60(\.0)?,0\.142857\d*$/)
  } finally {
    cleanup()
  }
})

test('a changed last row throws HistoryRewoundError before any part is written', async () => {
  const { dir, cleanup } = tempDir('parts-rewound')
  try {
    const run = memoryRun(8, (r) => (r._step === 4 ? { ...r, loss: 99 } : r))
    const parts: PartRecord[] = []
    await assert.rejects(
      exportHistoryParts(run, 5, 1, {
        dir,
        format: 'ndjson',
        partRows: 2,
        signal,
        onPart: (p) => (parts.push(p), Promise.resolve()),
      }, { step: 4, hash: rowFingerprint({ _step: 4, loss: 1 / 5, acc: 40 }) }),
      (err: Error) =>
        err instanceof HistoryRewoundError &&
        /history of mem1 changed at or before step 4/.test(err.message),
    )
    assert.deepEqual(parts, [])
    assert.deepEqual(await readdir(dir), [])
  } finally {
    cleanup()
  }
})

test('nothing to do past the last step; a bad partRows is refused with the value', async () => {
  const { dir, cleanup } = tempDir('parts-edge')
  try {
    const options = {
      dir,
      format: 'ndjson' as const,
      partRows: 0,
      signal,
      onPart: () => Promise.resolve(),
    }
    await exportHistoryParts(memoryRun(3), 3, 0, options) // fromStep past the end: no check, no file
    await assert.rejects(
      exportHistoryParts(memoryRun(3), 0, 0, options),
      /Cannot split history into parts of 0 rows: use an integer >= 1/,
    )
    assert.deepEqual(await readdir(dir), [])
  } finally {
    cleanup()
  }
})
