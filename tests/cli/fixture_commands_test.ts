/**
 * Every read command end to end on data that ships with the project (the bundled sample and
 * tests/fixtures/runs, written by the released wandb 0.31), so the CLI is tested even where the
 * shared fixtures are absent.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parquetReadObjects } from 'hyparquet'
import { runCli } from './_run_cli.ts'

const SAMPLE = 'samples/wandb/latest-run'
const RUNS = 'tests/fixtures/runs/wandb'
const run = (name: string) =>
  join(RUNS, readdirSync(RUNS).find((d) => d.endsWith(`-${name}`)) ?? name)

function ndjson(text: string): Record<string, unknown>[] {
  return text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))
}

test('history: NDJSON by default, keys and steps filtered, NaN kept in CSV', async () => {
  const all = await runCli(['history', SAMPLE])
  assert.equal(all.code, 0, all.stderr)
  const rows = ndjson(all.stdout)
  assert.equal(rows.length, 300)
  assert.deepEqual(rows.map((r) => r._step), Array.from({ length: 300 }, (_, i) => i))
  assert.equal(all.stderr, '', 'no progress line when stderr is not a terminal')
  const csv = await runCli([
    'history',
    SAMPLE,
    '--format',
    'csv',
    '--keys',
    'train.loss,nope',
    '--min-step',
    '149',
    '--max-step',
    '152',
  ])
  assert.equal(csv.code, 0, csv.stderr)
  const lines = csv.stdout.trim().split('\n')
  assert.equal(lines[0], '_step,train.loss')
  assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]), ['149', '150', '151'])
  assert.equal(lines[2].split(',')[1], 'NaN')
  assert.match(csv.stderr, /keys never logged in this run: nope/)
  const long = await runCli([
    'history',
    SAMPLE,
    '--layout',
    'long',
    '--keys',
    'lr',
    '--max-step',
    '2',
  ])
  assert.deepEqual(ndjson(long.stdout).map((r) => [r._step, r.key, r.value]), [
    [0, 'lr', 0.05],
    [1, 'lr', 0.0495],
  ])
})

test('history -o FILE.parquet is atomic and refuses a terminal without -o', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-cli-'))
  const out = join(dir, 'h.parquet')
  const r = await runCli(['history', run('wbxnaninf'), '-o', out])
  assert.equal(r.code, 0, r.stderr)
  assert.deepEqual(readdirSync(dir), ['h.parquet'])
  const rows = await parquetReadObjects({ file: new Uint8Array(readFileSync(out)).buffer })
  assert.ok(rows.length > 0)
  const values = rows.flatMap((row) => Object.values(row)).filter((v) => typeof v === 'number')
  assert.ok(values.some((v) => Number.isNaN(v)), 'NaN survives')
  assert.ok(values.includes(Infinity) && values.includes(-Infinity), '±Infinity survive')
  const tty = await runCli(['history', SAMPLE, '--format', 'parquet'], { stdoutIsTTY: true })
  assert.equal(tty.code, 2)
  assert.match(tty.stderr, /Refusing to write Parquet to a terminal/)
})

test('summary, config and info print the documents the SDK wrote', async () => {
  const summary = JSON.parse((await runCli(['summary', SAMPLE])).stdout)
  assert.equal(summary.best_val_loss, 0.052)
  assert.equal(summary._step, 299)
  assert.deepEqual(JSON.parse((await runCli(['config', SAMPLE])).stdout), {
    lr: 0.05,
    batch_size: 64,
    optimizer: { name: 'sgd', momentum: 0.9 },
  })
  const info = JSON.parse((await runCli(['info', SAMPLE])).stdout)
  assert.equal(info.id, 'wbxdemo1')
  assert.equal(info.state, 'finished')
  assert.equal(info.last_history_step, 299)
  const csv = await runCli(['config', SAMPLE, '--format', 'csv'])
  assert.equal(csv.stdout.split('\n')[0], 'lr,batch_size,optimizer.name,optimizer.momentum')
})

test('logs, system, files, artifacts and runs read the generated runs', async () => {
  const logs = await runCli(['logs', run('wbxconsole')])
  assert.equal(logs.code, 0, logs.stderr)
  assert.ok(logs.stdout.split('\n').includes('progress 100%'), 'carriage returns collapsed')
  assert.ok(!logs.stdout.includes('\r') && !logs.stdout.includes('\x1b['))
  const system = ndjson((await runCli(['system', run('wbxsystem')])).stdout)
  assert.equal(system.length, 7)
  assert.equal(system[0]._wandb, true)
  assert.ok('system.memory_percent' in system[0])
  const files = ndjson((await runCli(['files', SAMPLE])).stdout)
  assert.deepEqual(files.map((f) => f.name), ['output.log', 'requirements.txt'])
  const artifacts = ndjson((await runCli(['artifacts', run('wbxartifacts')])).stdout)
  assert.deepEqual(artifacts.map((a) => [a.name, a.type]), [
    ['wbx-dataset', 'dataset'],
    ['wbx-model', 'model'],
  ])
  const runs = ndjson((await runCli(['runs', RUNS])).stdout)
  assert.ok(runs.length >= 16)
  assert.ok(runs.some((r) => r.run_id === 'wbxcrash'))
  const table = await runCli(['runs', RUNS], { stdoutIsTTY: true })
  assert.match(table.stdout.split('\n')[0], /^run_id\s+name\s+state/)
})

test('a run killed mid-write: damage on stderr, intact rows out, exit 1 with --strict', async () => {
  const killed = run('wbxmidwrite')
  const r = await runCli(['history', killed])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(ndjson(r.stdout).length, 30)
  assert.match(r.stderr, /skipped bytes \d+-\d+ \(\d+ bytes\): truncated tail/)
  const strict = await runCli(['history', killed, '--strict'])
  assert.equal(strict.code, 1)
  assert.match(strict.stderr, /strictly: bytes \d+-\d+ are damaged \(truncated tail\)/)
  assert.ok(existsSync(killed))
})
