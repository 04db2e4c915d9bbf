import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { remoteSource } from '../../src/cli/remote_source.ts'
import type { DownloadStatus } from '../../src/cli/download_progress.ts'
import type { Row } from '../../src/row.ts'
import { apiFor, ENTITY, PROJECT, RUN_ID, withServer } from '../api/_setup.ts'
import { tempDir } from '../bulk/_project.ts'

const PATH = `${ENTITY}/${PROJECT}/${RUN_ID}`
const signal = new AbortController().signal

async function rowsOf(stream: ReadableStream<Row[]>): Promise<Row[]> {
  const rows: Row[] = []
  for await (const batch of stream) rows.push(...batch)
  return rows
}

test('remoteSource reads the history, the sampled system metrics (with a note) and the info row', async () => {
  await withServer(async (server) => {
    const source = remoteSource(await apiFor(server).run(PATH))
    const stored = server.store.run(ENTITY, PROJECT, RUN_ID)!
    const history = await rowsOf(source.history({ signal, keys: ['loss'], minStep: 5 }))
    assert.deepEqual(
      history,
      Array.from({ length: 15 }, (_, i) => {
        const row = stored.history.rowAt(i + 5)
        return { _step: row._step, loss: row.loss }
      }),
    )
    const system = await rowsOf(await source.systemMetrics(signal))
    assert.ok(system.length > 0)
    assert.ok(source.warnings().some((w) => /serves system metrics sampled \(\d+ rows\)/.test(w)))
    const info = await source.info(signal)
    assert.equal(info.id, RUN_ID)
    assert.equal(typeof info.storage_id, 'string')
    assert.ok(Array.isArray(info.history_keys) && (info.history_keys as string[]).includes('loss'))
  })
})

test('remoteSource serves the console text as one file; local-only log options are refused', async () => {
  await withServer(async (server) => {
    const source = remoteSource(await apiFor(server).run(PATH))
    const stored = server.store.run(ENTITY, PROJECT, RUN_ID)!
    const expected = new TextDecoder().decode(stored.files.get('output.log')!.bytes)
    const text = await new Response(await source.logs({ signal, ansi: true, errorPrefix: false }))
      .text()
    assert.equal(text, expected)
    await assert.rejects(
      source.logs({ signal, ansi: true, errorPrefix: false, stream: 'stdout' }),
      /--stream and --error-prefix apply to local runs/,
    )
  }, { consoleLines: 3 })
})

test('remoteSource.downloadFiles saves every file, reports progress and skips identical files', async () => {
  const { dir, cleanup } = tempDir('remote-source-files')
  try {
    await withServer(async (server) => {
      const source = remoteSource(await apiFor(server).run(PATH))
      const statuses: DownloadStatus[] = []
      const rows = await source.downloadFiles(dir, {
        replace: false,
        signal,
        progress: (s) => statuses.push(s),
      })
      const names = rows.map((r) => r.name).sort()
      assert.ok(names.includes('output.log') && names.includes('config.yaml'))
      assert.ok(rows.every((r) => r.skipped === false))
      const last = statuses.at(-1)!
      assert.equal(last.files, rows.length)
      assert.equal(last.bytes, last.totalBytes)
      assert.equal(statuses[0].files, 0)
      const stored = server.store.run(ENTITY, PROJECT, RUN_ID)!
      assert.deepEqual(
        new Uint8Array(await readFile(join(dir, 'output.log'))),
        new Uint8Array(stored.files.get('output.log')!.bytes),
      )
      const again = await source.downloadFiles(dir, { replace: false, signal })
      assert.ok(again.every((r) => r.skipped === true))
    })
  } finally {
    cleanup()
  }
})
