import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { followEndMessage, readerSource } from '../../src/cli/reader_source.ts'
import { memoryReader } from '../source/_memory_reader.ts'

test('followEndMessage words each source’s end as the CLI always did', () => {
  assert.equal(
    followEndMessage({ state: 'finished', exitCode: 0, records: 5, bytes: 10 }),
    'the run finished (exit code 0); followed to its end',
  )
  assert.match(
    followEndMessage({ state: 'crashed', exitCode: null, records: 5, bytes: 10 }),
    /stopped growing without an exit record .*\(5 records, 10 bytes\)/,
  )
  assert.equal(
    followEndMessage({ state: 'finished', lastStep: 9, rows: 10 }),
    'the run is finished; followed to its end (last step 9, 10 rows)',
  )
  assert.equal(
    followEndMessage({ state: 'failed', rows: 3 }),
    'the run is failed; followed to its end',
  )
})

test('readerSource reads any RunReader: history with keys, info, artifacts, and refuses remote-only options', async () => {
  const reader = memoryReader('mem1', [{ _step: 0, a: 1 }, { _step: 1, b: 2 }], { a: 1 })
  const source = readerSource(reader)
  const signal = new AbortController().signal
  let missing: string[] = []
  const rows = []
  for await (
    const batch of source.history({ keys: ['a', 'zz'], signal, onMissingKeys: (k) => missing = k })
  ) rows.push(...batch)
  assert.deepEqual(rows, [{ _step: 0, a: 1 }])
  assert.deepEqual(missing, ['zz'])
  const info = await source.info(signal)
  assert.equal(info.last_history_step, 1)
  assert.deepEqual(info.history_keys, ['_step', 'a', 'b'])
  assert.deepEqual(await source.artifacts({ entries: false, signal }), [])
  assert.throws(
    () => source.history({ source: 'parquet', signal }),
    /--source applies to runs on a W&B server/,
  )
  // --download works for any reader (tests/source/third_source_cli_test.ts); this one has no files.
  const dir = mkdtempSync(join(tmpdir(), 'wbx-reader-dl-'))
  try {
    assert.deepEqual(await source.downloadFiles(dir, { replace: false, signal }), [])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
