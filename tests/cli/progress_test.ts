import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { formatDuration, Progress, ReadMeter, readMeter } from '../../src/cli/progress.ts'
import { runCli } from './_run_cli.ts'

const LARGE = 'tests/fixtures/runs/wandb/offline-run-20261128_072707-wbxlarge'

test('with a known total the line shows rows of total, a percentage and an ETA', async () => {
  let text = ''
  const progress = new Progress('history', (t) => (text += t), 1000)
  progress.rows = 250
  await new Promise((resolve) => setTimeout(resolve, 20))
  const line = progress.line()
  assert.match(
    line,
    /^history: 250 of 1,000 rows \(25%\), [\d,]+ rows\/s, 0 B, [\d.]+ s, ETA \d+ s$/,
  )
  progress.rows = 1000
  assert.doesNotMatch(progress.line(), /ETA/)
  assert.match(progress.line(), /1,000 of 1,000 rows \(100%\)/)
  progress.finish()
  assert.ok(text.endsWith('\n'))
  assert.doesNotMatch(new Progress('h', undefined).line(), / of /)
})

test('with the log size known the line shows the bytes read of it, a percentage and an ETA', async () => {
  let text = ''
  const read = new ReadMeter(4 * 1024 * 1024)
  const progress = new Progress('history', (t) => (text += t), { read })
  progress.rows = 1200
  await new Promise((resolve) => setTimeout(resolve, 20))
  read.update(1024 * 1024)
  assert.match(
    text,
    // deno-lint-ignore no-control-regex -- the line ends with the terminal's erase-line sequence
    /^\rhistory: 1,200 rows, 1\.0 MB of 4\.0 MB read \(25%\), [\d,]+ rows\/s, 0 B, [\d.]+ s, ETA \d+ s\x1b\[K$/,
    'an update of the bytes read draws the line',
  )
  read.update(4 * 1024 * 1024)
  assert.match(progress.line(), /4\.0 MB of 4\.0 MB read \(100%\)/)
  assert.doesNotMatch(progress.line(), /ETA/)
  progress.finish()
  assert.ok(text.endsWith('\x1b[K\n'), 'the final line clears what a longer line left')
  const drawn = text
  read.update(1)
  assert.equal(text, drawn, 'nothing is drawn after finish')
  // A row total, when known, is what the line counts against.
  const both = new Progress('history', undefined, { total: 10, read: new ReadMeter(100) })
  both.rows = 5
  assert.match(both.line(), /^history: 5 of 10 rows \(50%\)/)
  const lines = new Progress('logs', undefined, { read: new ReadMeter(2048), unit: 'lines' })
  assert.match(lines.line(), /^logs: 0 lines, 0 B of 2\.0 KB read \(0\.0%\), 0 lines\/s/)
  assert.equal(readMeter(undefined), undefined)
  assert.equal(readMeter(0), undefined)
})

test('local history, system and logs to a file show the share of the log read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-progress-'))
  try {
    // deno-lint-ignore no-control-regex -- the line ends with the terminal's erase-line sequence
    const size = /history: [\d,]+ rows, ([\d.]+ KB) of \1 read \(100%\), .*\x1b\[K\n$/
    const history = await runCli(['history', LARGE, '-o', join(dir, 'h.csv')], {
      stderrIsTTY: true,
    })
    assert.equal(history.code, 0, history.stderr)
    assert.match(history.stderr, size)
    assert.match(history.stderr, /of 847\.\d KB read/, 'the .wandb file size')
    const system = await runCli(['system', LARGE, '-o', join(dir, 's.ndjson')], {
      stderrIsTTY: true,
    })
    assert.equal(system.code, 0, system.stderr)
    assert.match(system.stderr, /system: [\d,]+ rows, 847\.\d KB of 847\.\d KB read \(100%\)/)
    const logs = await runCli(['logs', 'samples/wandb/latest-run', '-o', join(dir, 'o.log')], {
      stderrIsTTY: true,
    })
    assert.equal(logs.code, 0, logs.stderr)
    const count = readFileSync(join(dir, 'o.log'), 'utf8').split('\n').length - 1
    assert.ok(count > 0)
    assert.match(
      logs.stderr,
      new RegExp(`logs: ${count} lines, ([\\d.]+ KB) of \\1 read \\(100%\\), `),
    )
    const quiet = await runCli(
      ['logs', 'samples/wandb/latest-run', '-q', '-o', join(dir, 'q.log')],
      {
        stderrIsTTY: true,
      },
    )
    assert.equal(quiet.stderr, '')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('formatDuration reads as seconds, minutes or hours', () => {
  assert.equal(formatDuration(4.4), '4 s')
  assert.equal(formatDuration(185), '3 min 5 s')
  assert.equal(formatDuration(7800), '2 h 10 min')
  assert.equal(formatDuration(undefined), '?')
})

test('no progress is drawn while data goes to the same terminal', async () => {
  const both = await runCli(['history', 'samples/wandb/latest-run'], {
    stdoutIsTTY: true,
    stderrIsTTY: true,
  })
  assert.equal(both.code, 0)
  assert.equal(both.stderr, '', 'nothing on stderr to mix with the rows')
  assert.ok(both.stdout.startsWith('{"_step":0,'))
  const piped = await runCli(['history', 'samples/wandb/latest-run'], { stderrIsTTY: true })
  assert.match(piped.stderr, /history: 300 rows, /)
})
