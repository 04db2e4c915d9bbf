import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { parquetReadObjects } from 'hyparquet'
import { downloadHistoryExports } from '../../../src/api/history/download_exports.ts'
import { IncompleteRunHistoryError } from '../../../src/api/history/incomplete_history_error.ts'
import { tempDir } from '../../bulk/_project.ts'
import { withServedRun } from './_served_run.ts'

/** The rows of a saved Parquet file, as hyparquet reads them. */
async function parquetRows(path: string): Promise<Record<string, unknown>[]> {
  const bytes = await readFile(path)
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  return await parquetReadObjects({ file })
}

test("downloadHistoryExports saves each export whole under the SDK's names", async () => {
  const { dir, cleanup } = tempDir('download-exports')
  try {
    await withServedRun({ steps: 20, parquetFileRows: 8 }, async ({ transport, run, rows }) => {
      const result = await downloadHistoryExports(transport, run, join(dir, 'new', 'folder'))
      assert.equal(result.containsLiveData, false)
      assert.deepEqual(result.errors, {})
      assert.deepEqual(result.paths.map((p) => basename(p)).sort(), [
        'e_p_r1_0.runhistory.parquet',
        'e_p_r1_1.runhistory.parquet',
        'e_p_r1_2.runhistory.parquet',
      ])
      assert.deepEqual(
        (await readdir(join(dir, 'new', 'folder'))).sort(),
        result.paths.map((p) => basename(p)).sort(),
        'no temporary file left',
      )
      const steps: number[] = []
      for (const path of result.paths) {
        for (const row of await parquetRows(path)) steps.push(Number(row._step))
      }
      assert.deepEqual(steps.sort((a, b) => a - b), rows.map((r) => r._step))
    })
  } finally {
    cleanup()
  }
})

test('rows not exported yet throw IncompleteRunHistoryError unless complete history is not required', async () => {
  const { dir, cleanup } = tempDir('download-live')
  try {
    await withServedRun({ steps: 20, liveTail: 3 }, async ({ transport, run }) => {
      await assert.rejects(
        downloadHistoryExports(transport, run, dir),
        (err: Error) => err instanceof IncompleteRunHistoryError && /e\/p\/r1/.test(err.message),
      )
      assert.deepEqual(await readdir(dir), [], 'nothing saved before the check')
      const result = await downloadHistoryExports(transport, run, dir, {
        requireCompleteHistory: false,
      })
      assert.equal(result.containsLiveData, true)
      assert.equal(result.paths.length, 1)
      assert.equal((await parquetRows(result.paths[0])).length, 17)
    })
  } finally {
    cleanup()
  }
})

test('a failing file lands in errors; a bad folder or run path part is refused before any request', async () => {
  const { dir, cleanup } = tempDir('download-errors')
  try {
    await withServedRun({ steps: 20, parquetFileRows: 10 }, async ({ server, transport, run }) => {
      server.fault({ kind: 'status', status: 404, origin: 'files', count: 1000, skip: 0 })
      const result = await downloadHistoryExports(transport, run, dir, {
        exportFetch: { retries: 0 },
      })
      assert.deepEqual(result.paths, [])
      const failed = Object.entries(result.errors)
      assert.equal(failed.length, 2)
      for (const [path, message] of failed) {
        assert.match(basename(path), /^e_p_r1_[01]\.runhistory\.parquet$/)
        assert.match(message, /404/)
        assert.doesNotMatch(message, /Signature=\w/, 'no signed-URL query in the message')
      }
      assert.deepEqual(await readdir(dir), [], 'no partial files')
      const before = server.requests.length
      await assert.rejects(downloadHistoryExports(transport, run, ''), TypeError)
      await assert.rejects(
        downloadHistoryExports(transport, { ...run, project: '..' }, dir),
        /the project '\.\.' would make a path outside the target folder/,
      )
      assert.equal(server.requests.length, before)
    })
  } finally {
    cleanup()
  }
})
