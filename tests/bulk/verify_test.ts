import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { cpSync, readFileSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { exportProject } from '../../src/bulk/bulk_export.ts'
import type { Manifest } from '../../src/bulk/manifest.ts'
import { verifyDataset } from '../../src/bulk/verify.ts'
import { runCli } from '../cli/_run_cli.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { addRuns, fastApi, tempDir } from './_project.ts'

let server: TestServer
let exported: { dir: string; cleanup: () => void }
const folders: { dir: string; cleanup: () => void }[] = []

before(async () => {
  server = await startTestServer()
  addRuns(server, 'bulk', 'verify', 6)
  exported = tempDir('verify')
  folders.push(exported)
  const result = await exportProject({
    source: 'bulk/verify',
    out: exported.dir,
    api: fastApi(server),
    partRows: 20,
  })
  assert.equal(result.complete, true)
}, { timeout: 60_000 })

after(async () => {
  for (const f of folders) f.cleanup()
  await server.stop()
})

/** A copy of the export to damage. */
function copy(label: string): string {
  const f = tempDir(label)
  folders.push(f)
  cpSync(exported.dir, f.dir, { recursive: true })
  return f.dir
}

test(
  'verify passes an intact export, through the API and the CLI',
  { timeout: 60_000 },
  async () => {
    const report = await verifyDataset(exported.dir)
    assert.equal(report.ok, true)
    assert.equal(report.runs, 6)
    const cli = await runCli(['verify', exported.dir])
    assert.equal(cli.code, 0, cli.stdout)
    assert.match(cli.stdout, /^ok: 6 runs, \d+ files, [\d,]+ rows/m)
  },
)

test('verify catches a deleted part file and exits 1', { timeout: 60_000 }, async () => {
  const dir = copy('deleted')
  unlinkSync(join(dir, 'history/run_id=r001/part-00001.parquet'))
  const report = await verifyDataset(dir)
  assert.equal(report.ok, false)
  assert.deepEqual(report.problems.map((p) => [p.kind, p.runId, p.file]), [
    ['missing-file', 'r001', 'history/run_id=r001/part-00001.parquet'],
  ])
  const cli = await runCli(['verify', dir])
  assert.equal(cli.code, 1)
  assert.match(cli.stdout, /missing-file: history\/run_id=r001\/part-00001\.parquet is missing/)
  assert.match(cli.stdout, /^FAILED: .* 1 problems$/m)
})

test(
  'verify catches a truncated part and a part with one byte changed',
  { timeout: 60_000 },
  async () => {
    const dir = copy('truncated')
    const truncated = join(dir, 'history/run_id=r002/part-00000.parquet')
    const size = readFileSync(truncated).length
    truncateSync(truncated, Math.floor(size / 2))
    const flipped = join(dir, 'history/run_id=r003/part-00000.parquet')
    const bytes = readFileSync(flipped)
    bytes[100] ^= 0xff
    writeFileSync(flipped, bytes)
    const report = await verifyDataset(dir)
    const kinds = report.problems.map((p) => [p.kind, p.file])
    assert.deepEqual(kinds.sort(), [
      ['checksum-mismatch', 'history/run_id=r003/part-00000.parquet'],
      ['size-mismatch', 'history/run_id=r002/part-00000.parquet'],
    ])
    assert.match(
      report.problems.find((p) => p.kind === 'size-mismatch')!.message,
      new RegExp(`has ${Math.floor(size / 2)} bytes, the manifest records ${size}`),
    )
    // Sizes only: the flipped byte goes unnoticed, the truncation does not.
    const quick = await verifyDataset(dir, { checksums: false })
    assert.deepEqual(quick.problems.map((p) => p.kind), ['size-mismatch'])
  },
)

test('verify reports rows short of historyLineCount, missing steps, stray files and failures', {
  timeout: 60_000,
}, async () => {
  const dir = copy('manifest')
  const path = join(dir, 'wbx-manifest.json')
  const m: Manifest = JSON.parse(readFileSync(path, 'utf8'))
  m.runs.r000.historyLineCount += 5
  m.runs.r000.lastHistoryStep += 5
  m.failures.push({ runId: 'r004', attempts: 3, error: 'HTTP 502' })
  writeFileSync(path, JSON.stringify(m))
  writeFileSync(join(dir, 'history/run_id=r005/part-00099.parquet'), 'stray')
  const report = await verifyDataset(dir)
  const found = report.problems.map((p) => `${p.kind} ${p.runId}`)
  assert.deepEqual(found.sort(), [
    'failed r004',
    'row-count r000',
    'step-coverage r000',
    'unrecorded-file r005',
  ])
  const short = report.problems.find((p) => p.kind === 'row-count')!
  assert.match(short.message, /(\d+) history rows exported, the run has \d+ \(historyLineCount\)/)
})

test('verify refuses a folder that holds no manifest', { timeout: 60_000 }, async () => {
  const f = tempDir('empty')
  folders.push(f)
  await assert.rejects(verifyDataset(f.dir), /holds no wbx-manifest\.json/)
  const cli = await runCli(['verify', f.dir])
  assert.equal(cli.code, 1)
  assert.match(cli.stderr, /holds no wbx-manifest\.json/)
})

test('verify reports parts whose columns differ from the dataset schema', async () => {
  const dir = copy('verify-schema')
  const path = join(dir, 'wbx-manifest.json')
  const m: Manifest = JSON.parse(readFileSync(path, 'utf8'))
  assert.deepEqual((await verifyDataset(dir)).problems, [])
  // A schema that grew without the parts being rewritten (as an interrupted rerun would leave).
  m.historySchema = {
    columns: [...m.historySchema!.columns, 'zz_new'],
    types: { ...m.historySchema!.types, zz_new: 'double' },
  }
  writeFileSync(path, JSON.stringify(m))
  const report = await verifyDataset(dir)
  const kinds = new Set(report.problems.map((p) => p.kind))
  assert.deepEqual([...kinds], ['schema-mismatch'])
  const parts = Object.values(m.runs).flatMap((e) => e.history!.parts).length
  assert.equal(report.problems.length, parts)
  assert.match(report.problems[0].message, /has \d+ columns, not the dataset's \d+/)
})
