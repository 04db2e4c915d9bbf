import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatDuration, Progress } from '../../src/cli/progress.ts'
import { runCli } from './_run_cli.ts'

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
