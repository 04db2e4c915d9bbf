import process from 'node:process'
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parquetReadObjects } from 'hyparquet'
import { runCli } from './_run_cli.ts'
import { sharedFixture, skipWithoutSharedFixtures as skip } from '../_fixtures.ts'
import { VERSION } from '../../src/version.ts'

const leet = (name: string) => sharedFixture(`wandb-leet-fixtures/wandb/${name}/wandb/latest-run`)
const tiny = leet('single-tiny')
/** The bundled sample run: usage tests must not depend on the shared fixtures. */
const SAMPLE = 'samples/wandb/latest-run'

function ndjson(text: string): Record<string, unknown>[] {
  return text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))
}

test('wbx --version and --help', async () => {
  const v = await runCli(['--version'])
  assert.equal(v.code, 0)
  assert.equal(v.stdout, `wbx ${VERSION}\n`)
  const h = await runCli(['--help'])
  assert.equal(h.code, 0)
  for (
    const name of [
      'history',
      'system',
      'summary',
      'config',
      'info',
      'logs',
      'files',
      'artifacts',
      'runs',
    ]
  ) {
    assert.match(h.stdout, new RegExp(`\\n  ${name} `), `help lists ${name}`)
  }
  const ch = await runCli(['history', '--help'])
  assert.equal(ch.code, 0)
  assert.match(ch.stdout, /Usage: wbx history <source>/)
  assert.match(ch.stdout, /--min-step <N>/)
})

test('wbx exits 2 on bad usage with a message naming the problem', async () => {
  const unknown = await runCli(['histroy', 'x'])
  assert.equal(unknown.code, 2)
  assert.match(unknown.stderr, /Unknown command "histroy"/)
  const badOption = await runCli(['history', SAMPLE, '--bogus'])
  assert.equal(badOption.code, 2)
  assert.match(badOption.stderr, /--bogus/)
  assert.match(badOption.stderr, /Usage: wbx history/)
  const missing = await runCli(['history'])
  assert.equal(missing.code, 2)
  assert.match(missing.stderr, /Missing <source>/)
  const badStep = await runCli(['history', SAMPLE, '--min-step', 'ten'])
  assert.equal(badStep.code, 2)
  assert.match(badStep.stderr, /--min-step must be an integer, got "ten"/)
  const badFormat = await runCli(['history', SAMPLE, '--format', 'xlsx'])
  assert.equal(badFormat.code, 2)
  assert.match(badFormat.stderr, /Unknown --format "xlsx"/)
})

test('wbx exits 1 with a clear message for a source it cannot read', async () => {
  const nothing = await runCli(['history', '/nonexistent/run-folder'])
  assert.equal(nothing.code, 1)
  assert.match(
    nothing.stderr,
    /Cannot open run "\/nonexistent\/run-folder": no such file or folder/,
  )
  const saved = { key: process.env.WANDB_API_KEY, home: process.env.HOME, netrc: process.env.NETRC }
  delete process.env.WANDB_API_KEY
  delete process.env.NETRC
  process.env.HOME = mkdtempSync(join(tmpdir(), 'wbx-home-'))
  try {
    const remote = await runCli(['history', 'my-team/my-project/abc123'])
    assert.equal(remote.code, 1)
    assert.match(remote.stderr, /No W&B API key configured for api\.wandb\.ai/)
  } finally {
    for (
      const [name, value] of [['WANDB_API_KEY', saved.key], ['HOME', saved.home], [
        'NETRC',
        saved.netrc,
      ]]
    ) {
      if (value === undefined) delete process.env[name as string]
      else process.env[name as string] = value
    }
  }
})

test('wbx history streams every row as NDJSON by default', { skip }, async () => {
  const r = await runCli(['history', tiny])
  assert.equal(r.code, 0, r.stderr)
  const rows = ndjson(r.stdout)
  assert.equal(rows.length, 50)
  assert.deepEqual(rows.map((x) => x._step), Array.from({ length: 50 }, (_, i) => i))
  assert.deepEqual(Object.keys(rows[0]), [
    '_step',
    '_timestamp',
    'eval/step_fn',
    'train/loss',
    'train/sine',
  ])
  assert.equal(rows[0]['train/loss'], 2)
  assert.equal(rows[49]['train/loss'], 0.285)
  assert.equal(r.stderr, '', 'no progress line when stderr is not a terminal')
})

test('wbx history filters keys and steps', { skip }, async () => {
  const r = await runCli([
    'history',
    tiny,
    '--keys',
    'train/loss,nope',
    '--min-step',
    '10',
    '--max-step',
    '13',
  ])
  assert.equal(r.code, 0, r.stderr)
  assert.deepEqual(ndjson(r.stdout).map((x) => Object.keys(x)), [
    ['_step', 'train/loss'],
    ['_step', 'train/loss'],
    ['_step', 'train/loss'],
  ])
  assert.deepEqual(ndjson(r.stdout).map((x) => x._step), [10, 11, 12])
  assert.match(r.stderr, /keys never logged in this run: nope/)
})

test('wbx history writes CSV with NaN and Infinity spelled out', { skip }, async () => {
  const r = await runCli([
    'history',
    leet('edge-nan-inf'),
    '--format',
    'csv',
    '--keys',
    'edge/nan_inf',
    '--max-step',
    '4',
  ])
  assert.equal(r.code, 0, r.stderr)
  const lines = r.stdout.trim().split('\n')
  assert.equal(lines[0], '_step,edge/nan_inf')
  assert.deepEqual(lines.slice(2).map((l) => l.split(',')[1]), ['NaN', 'Infinity', '-Infinity'])
})

test('wbx history -o FILE.parquet writes a Parquet file atomically', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-cli-'))
  const out = join(dir, 'h.parquet')
  const r = await runCli(['history', leet('edge-nan-inf'), '-o', out])
  assert.equal(r.code, 0, r.stderr)
  assert.deepEqual(readdirSync(dir), ['h.parquet'], 'no temp file left behind')
  const rows = await parquetReadObjects({ file: new Uint8Array(readFileSync(out)).buffer })
  assert.equal(rows.length, 20)
  assert.ok(Number.isNaN(rows[1]['edge/nan_inf']))
  assert.equal(rows[2]['edge/nan_inf'], Infinity)
  assert.equal(rows[3]['edge/nan_inf'], -Infinity)
})

test('wbx refuses to write Parquet to a terminal', { skip }, async () => {
  const r = await runCli(['history', tiny, '--format', 'parquet'], { stdoutIsTTY: true })
  assert.equal(r.code, 2)
  assert.match(r.stderr, /Refusing to write Parquet to a terminal/)
})

test('wbx history --layout long gives one row per step and key', { skip }, async () => {
  const r = await runCli([
    'history',
    tiny,
    '--layout',
    'long',
    '--keys',
    'train/loss',
    '--max-step',
    '2',
  ])
  assert.equal(r.code, 0, r.stderr)
  const rows = ndjson(r.stdout)
  assert.deepEqual(rows.map((x) => [x._step, x.key, x.value]), [[0, 'train/loss', 2], [
    1,
    'train/loss',
    1.965,
  ]])
})

test('wbx draws a progress line only when stderr is a terminal', { skip }, async () => {
  const r = await runCli(['history', tiny], { stderrIsTTY: true })
  assert.equal(r.code, 0)
  // A local run: the share of its .wandb file read (no second pass to count rows).
  assert.match(
    r.stderr,
    /history: 50 rows, ([\d.]+ KB) of \1 read \(100%\), [\d,]+ rows\/s, [\d.]+ (B|KB)/,
  )
  const quiet = await runCli(['history', tiny, '--quiet'], { stderrIsTTY: true })
  assert.equal(quiet.stderr, '')
})

test('wbx summary, config and info print JSON documents', { skip }, async () => {
  const summary = await runCli(['summary', tiny])
  assert.equal(summary.code, 0, summary.stderr)
  const s = JSON.parse(summary.stdout)
  assert.equal(s.best_step, 49)
  assert.equal(s.note, 'fixture summary')
  assert.equal(s['train/loss'], 0.285)
  const config = await runCli(['config', tiny])
  assert.deepEqual(JSON.parse(config.stdout), {
    batch_size: 32,
    epochs: 5,
    lr: 0.001,
    optimizer: 'adam',
    seed: 1234,
  })
  const info = JSON.parse((await runCli(['info', tiny])).stdout)
  assert.equal(info.id, 'tiny0001')
  assert.equal(info.state, 'finished')
  assert.equal(info.last_history_step, 49)
  assert.equal(info.runtime, 300)
  const asCsv = await runCli(['config', tiny, '--format', 'csv'])
  assert.equal(asCsv.stdout.split('\n')[1], '32,5,0.001,adam,1234')
})

test('wbx logs prints console text after carriage-return emulation', { skip }, async () => {
  const r = await runCli(['logs', tiny])
  assert.equal(r.code, 0, r.stderr)
  const lines = r.stdout.split('\n')
  assert.ok(
    lines.includes('training: 100%|##########| 50/50'),
    'the progress bar keeps only its final state',
  )
  assert.ok(!r.stdout.includes('\r'))
  assert.ok(!r.stdout.includes('\x1b['), 'ANSI codes stripped by default')
  assert.ok(
    lines.includes('warning: fixture warning emitted at step 25'),
    'stderr text as output.log has it',
  )
  const prefixed = await runCli(['logs', tiny, '--error-prefix'])
  assert.ok(
    prefixed.stdout.split('\n').includes('ERROR warning: fixture warning emitted at step 25'),
  )
  const stdoutOnly = await runCli(['logs', tiny, '--stream', 'stdout'])
  assert.ok(!stdoutOnly.stdout.includes('warning: fixture warning'))
})

test('wbx files and artifacts list the 2021 offline run', { skip }, async () => {
  const run = sharedFixture('wandb-offline-run-2021')
  const files = ndjson((await runCli(['files', run, '--md5'])).stdout)
  const meta = files.find((f) => f.name === 'wandb-metadata.json')
  assert.ok(meta, 'wandb-metadata.json listed')
  assert.equal(meta.present, true)
  assert.equal(typeof meta.md5, 'string')
  assert.ok(files.some((f) => f.name === 'code/standalone_tests/code-toad.py'))
  const arts = ndjson((await runCli(['artifacts', run])).stdout)
  assert.equal(arts.length, 1)
  assert.equal(arts[0].name, 'source-g9dvvkua')
  assert.equal(arts[0].type, 'code')
  assert.equal(arts[0].digest, 'cc557740a90e40c5090544b6592d2aa3')
  assert.equal(arts[0].file_count, 54)
  const entries = ndjson((await runCli(['artifacts', run, '--entries'])).stdout)
  assert.equal(entries.length, 54)
  assert.deepEqual(entries[0], {
    artifact: 'source-g9dvvkua',
    type: 'code',
    path: 'all_media_types.py',
    digest: 'Pw4n8m1tHNFiJGNAZ2XlQw==',
    size: 8170,
    ref: null,
    birth_artifact_id: null,
  })
})

test('wbx system exports the system stream with API key names', { skip }, async () => {
  const rows = ndjson((await runCli(['system', leet('system-stats')])).stdout)
  assert.equal(rows.length, 60)
  assert.equal(rows[0]._timestamp, 1767323045)
  assert.equal(rows[0]['system.gpu.0.powerWatts'], 250)
  assert.equal(rows[0]._wandb, true)
})

test(
  'wbx runs lists a wandb folder as a table on a terminal and NDJSON otherwise',
  { skip },
  async () => {
    const dir = sharedFixture('wandb-leet-fixtures/wandb/workspace-multi')
    const table = await runCli(['runs', dir], { stdoutIsTTY: true })
    assert.equal(table.code, 0, table.stderr)
    const lines = table.stdout.trim().split('\n')
    assert.match(lines[0], /^run_id\s+name\s+state\s+created_at/)
    assert.equal(lines.length, 6)
    assert.match(table.stdout, /wm4crash\s+crashed-flame-4\s+failed/)
    const rows = ndjson((await runCli(['runs', dir])).stdout)
    assert.deepEqual(rows.map((r) => r.run_id), [
      'wm1plain',
      'wm2notes',
      'wm3live',
      'wm4crash',
      'wm5best',
    ])
    assert.deepEqual(rows.find((r) => r.run_id === 'wm5best')?.tags, ['baseline', 'best'])
  },
)

test(
  'wbx reports damage on stderr, exports the intact rows, and fails with --strict',
  { skip },
  async () => {
    const bad = sharedFixture('wandb-leet-fixtures/wire/bad-crc.wandb')
    const r = await runCli(['history', bad])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(ndjson(r.stdout).length, 1)
    assert.match(r.stderr, /bad-crc\.wandb: skipped bytes \d+-\d+/)
    const strict = await runCli(['history', bad, '--strict'])
    assert.equal(strict.code, 1)
    assert.match(strict.stderr, /bad-crc\.wandb/)
    assert.ok(existsSync(bad))
  },
)

test('the bundled sample run exports as the README promises', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-demo-'))
  const out = join(dir, 'demo-history.csv')
  const r = await runCli(['history', 'samples/wandb/latest-run', '-o', out])
  assert.equal(r.code, 0, r.stderr)
  const lines = readFileSync(out, 'utf8').trim().split('\n')
  assert.equal(lines.length, 301)
  const header = lines[0].split(',')
  assert.equal(header[0], '_step')
  for (const column of ['train.loss', 'train.acc', 'lr', 'val/loss', '_timestamp', '_runtime']) {
    assert.ok(header.includes(column), `column ${column}`)
  }
  const loss = header.indexOf('train.loss')
  assert.equal(lines[151].split(',')[loss], 'NaN', 'the NaN spike at step 150 survives')
  assert.equal(lines[300].split(',')[0], '299')
})
