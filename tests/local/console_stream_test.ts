import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  consoleBytes,
  consoleLineStream,
  consoleRecordsConsumer,
  consoleText,
  runConsoleLines,
} from '../../src/local/console_stream.ts'
import { LocalRun } from '../../src/local/local_run.ts'
import { resumedRun } from './_resumed_run.ts'
import { drain, removeDirs } from './_run_helpers.ts'
import type { ConsoleLine } from '../../src/local/console_output.ts'
import type { WandbRecord } from '../../src/local/record_types.ts'

const header = (h: Record<string, unknown>) =>
  ({ type: 'header', header: h }) as unknown as WandbRecord
const output = (stream: string, line: string) =>
  ({ type: 'output', output: { stream, line } }) as unknown as WandbRecord

test('consoleText ends each line with a break unless it is unterminated', () => {
  const lines: ConsoleLine[] = [
    { stream: 'stdout', text: 'a' },
    { stream: 'stderr', text: '' },
    { stream: 'stdout', text: 'tail', unterminated: true },
  ]
  assert.equal(consoleText(lines), 'a\n\ntail')
  assert.equal(consoleText([]), '')
})

test('consoleBytes encodes line batches as UTF-8 output.log text', async () => {
  const source = ReadableStream.from([[{ stream: 'stdout', text: 'héllo' }], [], [
    { stream: 'stdout', text: 'x', unterminated: true },
  ]] as ConsoleLine[][])
  assert.equal(await new Response(source.pipeThrough(consoleBytes())).text(), 'héllo\nx')
})

test('a pre-0.10 log (header layout) keeps output.log text verbatim, \\r included', async () => {
  const batches = ReadableStream.from([[
    header({ layout: 'pre-0.10' }),
    output('stdout', 'epoch 1\r'),
    output('stdout', 'epoch 2\nnext'),
  ], [output('stdout', ' line\nend')]])
  const lines: ConsoleLine[] = []
  for await (const batch of batches.pipeThrough(consoleLineStream())) lines.push(...batch)
  assert.deepEqual(lines, [
    { stream: 'stdout', text: 'epoch 1\repoch 2' },
    { stream: 'stdout', text: 'next line' },
    { stream: 'stdout', text: 'end', unterminated: true },
  ])
})

test('the consumer filters streams, strips escapes and prefixes stderr when asked', () => {
  const consumer = consoleRecordsConsumer({ streams: ['stderr'], ansi: 'strip', errorPrefix: true })
  const out: ConsoleLine[] = []
  consumer.take([
    header({ layout: 'pre-0.10' }),
    output('stderr', '\x1b[31mboom\x1b[0m\n'),
  ], out)
  consumer.take([output('stdout', 'hidden\n')], out)
  consumer.end(out)
  assert.deepEqual(out, [{ stream: 'stderr', text: 'ERROR boom' }])
})

test('an unknown ansi option is refused by name', () => {
  assert.throws(() => consoleRecordsConsumer({ ansi: 'color' as 'keep' }), {
    name: 'TypeError',
    message: `Cannot emulate console: ansi must be 'keep' or 'strip', got "color"`,
  })
})

test("runConsoleLines streams each file's lines in run order, by stream, in batches", async () => {
  const made = await resumedRun()
  try {
    const files = (await LocalRun.open(made.wandbDir, { id: 'res01' })).wandbFiles
    const batches: ConsoleLine[][] = []
    for await (const batch of runConsoleLines(files, { batchSize: 2 })) batches.push(batch)
    assert.ok(batches.every((b) => b.length <= 2))
    assert.deepEqual(batches.flat().map((l) => [l.stream, l.text]), [
      ['stdout', 'epoch 1'],
      ['stdout', 'partial'],
      ['stdout', 'resumed'],
    ])
    assert.deepEqual(await drain(runConsoleLines(files, { stream: 'stderr' })), [])
    assert.throws(
      () => runConsoleLines(files, { stream: 'stdin' as never }),
      /^TypeError: Cannot read console lines: stream must be 'stdout', 'stderr' or 'logger', got "stdin"$/,
    )
  } finally {
    await removeDirs([made.root])
  }
})
