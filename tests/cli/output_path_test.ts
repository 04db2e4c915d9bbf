import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parquetReadObjects } from 'hyparquet'
import { fileInFolder, isFolderOutput } from '../../src/cli/output_path.ts'
import { runCli } from './_run_cli.ts'

const SAMPLE = 'samples/wandb/latest-run'

test('-o out/ writes out/<run id>-history.parquet, creating the folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-out-'))
  const out = join(dir, 'out') + '/'
  const r = await runCli(['history', SAMPLE, '-o', out])
  assert.equal(r.code, 0, r.stderr)
  assert.deepEqual(readdirSync(out), ['wbxdemo1-history.parquet'])
  const rows = await parquetReadObjects({
    file: new Uint8Array(readFileSync(join(out, 'wbxdemo1-history.parquet'))).buffer,
  })
  assert.equal(rows.length, 300)
})

test('an existing folder without a slash works too, and --format picks the extension', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-out-'))
  const csv = await runCli(['history', SAMPLE, '-o', dir, '--format', 'csv'])
  assert.equal(csv.code, 0, csv.stderr)
  const summary = await runCli(['summary', SAMPLE, '-o', dir])
  assert.equal(summary.code, 0, summary.stderr)
  assert.deepEqual(readdirSync(dir).sort(), ['wbxdemo1-history.csv', 'wbxdemo1-summary.parquet'])
  assert.equal(
    readFileSync(join(dir, 'wbxdemo1-history.csv'), 'utf8').trim().split('\n').length,
    301,
  )
})

test('wbx logs -o out/ writes out/<run id>-logs.log', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-out-')) + '/'
  const r = await runCli(['logs', SAMPLE, '-o', dir])
  assert.equal(r.code, 0, r.stderr)
  assert.deepEqual(readdirSync(dir), ['wbxdemo1-logs.log'])
  assert.match(readFileSync(join(dir, 'wbxdemo1-logs.log'), 'utf8'), /training 100% step 300/)
})

test('isFolderOutput and fileInFolder', () => {
  assert.equal(isFolderOutput('out/'), true)
  assert.equal(isFolderOutput(tmpdir()), true)
  assert.equal(isFolderOutput(join(tmpdir(), 'no-such-file.parquet')), false)
  const dir = mkdtempSync(join(tmpdir(), 'wbx-out-'))
  assert.equal(fileInFolder(dir, 'system', 'abc', 'ndjson'), join(dir, 'abc-system.ndjson'))
  assert.throws(() => fileInFolder(dir, 'runs', undefined, undefined), /give a file name/)
  assert.throws(() => fileInFolder(dir, 'history', '../x', undefined), /Cannot name a file/)
})
