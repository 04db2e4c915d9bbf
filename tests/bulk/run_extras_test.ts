import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { BulkFile, BulkRun } from '../../src/bulk/bulk_source.ts'
import { LocalBulkSource } from '../../src/bulk/local_bulk_source.ts'
import { ARTIFACT_COLUMNS } from '../../src/bulk/artifact_rows.ts'
import {
  exportArtifacts,
  exportFiles,
  exportLogs,
  exportSystem,
} from '../../src/bulk/run_extras.ts'
import { LocalRuns } from '../../src/local/local_runs.ts'
import type { Row } from '../../src/row.ts'
import { ownFixturesDir } from '../_fixtures.ts'
import { tempDir } from './_project.ts'

const WANDB = join(ownFixturesDir, 'runs', 'wandb')
const signal = new AbortController().signal

async function openLocal(id: string): Promise<BulkRun> {
  const source = await LocalBulkSource.open(WANDB)
  const [handle] = await source.list({ runs: [id] }, signal)
  return handle.open(signal)
}

async function ndjson(path: string): Promise<Row[]> {
  const text = await readFile(path, 'utf8')
  return text.split('\n').filter((l) => l).map((l) => JSON.parse(l))
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('base64')

test('exportSystem writes every system-metric row of the run as one table file', async () => {
  const { dir, cleanup } = tempDir('extras-system')
  try {
    const run = await openLocal('wbxsystem')
    let bytes = 0
    const record = await exportSystem(run, {
      dir,
      format: 'ndjson',
      signal,
      onBytes: (n) => (bytes += n),
    })
    const local = await (await LocalRuns.open(WANDB)).get('wbxsystem')
    let expected = 0
    for await (const batch of local.scanSystemMetrics()) expected += batch.length
    assert.ok(expected > 0)
    assert.equal(record.file, 'system/run_id=wbxsystem/part-00000.ndjson')
    assert.equal(record.rows, expected)
    assert.equal(record.sampled, false)
    const written = await readFile(join(dir, record.file))
    assert.equal(record.bytes, written.byteLength)
    assert.equal(bytes, written.byteLength)
    assert.equal(record.sha256, sha256(written))
    const rows = await ndjson(join(dir, record.file))
    assert.equal(rows.length, expected)
    assert.ok(rows.every((r) => typeof r._timestamp === 'number'))
  } finally {
    cleanup()
  }
})

test('exportArtifacts writes one row per artifact with the artifact columns', async () => {
  const { dir, cleanup } = tempDir('extras-artifacts')
  try {
    const run = await openLocal('wbxartifacts')
    const expected = await run.artifacts(signal)
    assert.ok(expected.length > 0)
    const record = await exportArtifacts(run, { dir, format: 'csv', signal })
    assert.equal(record.file, 'artifacts/run_id=wbxartifacts/part-00000.csv')
    assert.equal(record.rows, expected.length)
    const lines = (await readFile(join(dir, record.file), 'utf8')).trim().split(/\r?\n/)
    assert.equal(lines[0], ARTIFACT_COLUMNS.join(','))
    assert.equal(lines.length, expected.length + 1)
    assert.ok(lines.slice(1).some((l) => l.includes(String(expected[0].name))))
  } finally {
    cleanup()
  }
})

test('exportLogs copies the console output byte for byte; null for a run without one', async () => {
  const { dir, cleanup } = tempDir('extras-logs')
  try {
    const run = await openLocal('wbxconsole')
    const record = await exportLogs(run, { dir, format: 'ndjson', signal })
    assert.ok(record)
    assert.equal(record.file, 'logs/wbxconsole/output.log')
    const written = await readFile(join(dir, record.file))
    const stream = await (await openLocal('wbxconsole')).consoleLog(signal)
    const expected = new Uint8Array(await new Response(stream).arrayBuffer())
    assert.deepEqual(new Uint8Array(written), expected)
    assert.match(written.toString(), /warning: something odd/)
    assert.equal(record.sha256, sha256(written))
    const none = { ...run, id: 'quiet', consoleLog: () => Promise.resolve(null) } as BulkRun
    assert.equal(await exportLogs(none, { dir, format: 'ndjson', signal }), null)
  } finally {
    cleanup()
  }
})

/** A run whose files are in memory, counting how often each is opened. */
function filesRun(contents: Record<string, string>, opened: string[]): BulkRun {
  const files: BulkFile[] = Object.entries(contents).map(([name, text]) => {
    const bytes = new TextEncoder().encode(text)
    return {
      name,
      sizeBytes: bytes.byteLength,
      md5: md5(bytes),
      open: () => {
        opened.push(name)
        return Promise.resolve(new Response(bytes).body!)
      },
    }
  })
  return {
    id: 'filesrun',
    files: (pattern: string | undefined) =>
      Promise.resolve(
        pattern === 'media/%' ? files.filter((f) => f.name.startsWith('media/')) : files,
      ),
  } as unknown as BulkRun
}

test('exportFiles downloads each file once, sorted by name, and keeps files already exported', async () => {
  const { dir, cleanup } = tempDir('extras-files')
  try {
    const contents = { 'model.bin': 'weights', 'media/a.txt': 'alpha', 'notes.txt': 'n' }
    const opened: string[] = []
    const run = filesRun(contents, opened)
    const records = await exportFiles(run, undefined, undefined, { dir, format: 'ndjson', signal })
    assert.deepEqual(records.map((r) => r.name), ['media/a.txt', 'model.bin', 'notes.txt'])
    assert.deepEqual(records.map((r) => r.file), [
      'files/filesrun/media/a.txt',
      'files/filesrun/model.bin',
      'files/filesrun/notes.txt',
    ])
    for (const r of records) {
      const bytes = await readFile(join(dir, r.file))
      assert.equal(bytes.toString(), contents[r.name as keyof typeof contents])
      assert.equal(r.md5, md5(bytes))
      assert.equal(r.sha256, sha256(bytes))
    }
    assert.equal(opened.length, 3)
    // a second export with the records: nothing downloaded again
    const again = await exportFiles(run, records, undefined, { dir, format: 'ndjson', signal })
    assert.deepEqual(again, records)
    assert.equal(opened.length, 3)
    // a file whose size on disk changed is fetched again
    await writeFile(join(dir, 'files/filesrun/notes.txt'), 'tampered')
    await exportFiles(run, records, undefined, { dir, format: 'ndjson', signal })
    assert.deepEqual(opened.slice(3), ['notes.txt'])
    assert.equal((await stat(join(dir, 'files/filesrun/notes.txt'))).size, 1)
    // an unrecorded file already on disk with the right md5 (an interrupted export) is kept
    await mkdir(join(dir, 'files/filesrun/media'), { recursive: true })
    const kept = await exportFiles(run, [], 'media/%', { dir, format: 'ndjson', signal })
    assert.deepEqual(kept.map((r) => r.name), ['media/a.txt'])
    assert.deepEqual(opened.slice(4), [])
  } finally {
    cleanup()
  }
})
