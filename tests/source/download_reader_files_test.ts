import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { downloadReaderFiles } from '../../src/source/download_reader_files.ts'
import { memoryReader } from './_memory_reader.ts'

test('downloadReaderFiles writes each listed file with openFile and reports progress totals', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-reader-files-'))
  const reader = memoryReader('mem', [], {}, { files: { 'a.txt': 'abc', 'b/c.txt': 'de' } })
  const seen: number[][] = []
  try {
    const rows = await downloadReaderFiles(reader, dir, {
      progress: (s) => seen.push([s.files, s.totalFiles, s.bytes, s.totalBytes]),
    })
    assert.deepEqual(rows.map((r) => [r.name, r.size_bytes, r.md5, r.skipped]), [
      ['a.txt', 3, null, false],
      ['b/c.txt', 2, null, false],
    ])
    assert.equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'abc')
    assert.equal(readFileSync(join(dir, 'b', 'c.txt'), 'utf8'), 'de')
    assert.deepEqual(seen, [[0, 2, 0, 5], [1, 2, 3, 5], [2, 2, 5, 5]])
    // Without an md5 in the listing an existing file is never taken as identical.
    await assert.rejects(
      downloadReaderFiles(reader, dir),
      /a\.txt .*a different file is already there/,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('downloadReaderFiles refuses two names for one file before writing anything', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-reader-clash-'))
  const reader = memoryReader('mem', [], {}, { files: { 'x/y.txt': '1', 'x//y.txt': '2' } })
  try {
    await assert.rejects(
      downloadReaderFiles(reader, dir),
      /Cannot save both 'x\/y\.txt' and 'x\/\/y\.txt'/,
    )
    assert.deepEqual(readdirSync(dir), [])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
