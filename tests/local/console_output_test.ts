import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ConsoleEmulator, type ConsoleLine } from '../../src/local/console_output.ts'
import { consoleLineStream } from '../../src/local/console_stream.ts'
import type { WandbRecord } from '../../src/local/record_types.ts'
import { readRecords } from '../../src/local/read_records.ts'
import { sharedFixture, skipWithoutSharedFixtures } from '../_fixtures.ts'

const skip = skipWithoutSharedFixtures

/** Reads a fixture's console records through the emulator. */
async function fixtureLines(relative: string, options = {}): Promise<ConsoleLine[]> {
  const types = new Set(['output', 'output_raw', 'output_logger'] as const)
  const lines: ConsoleLine[] = []
  const stream = readRecords(sharedFixture(relative), { types }).pipeThrough(
    consoleLineStream(options),
  )
  for await (const batch of stream) lines.push(...batch)
  return lines
}

const TINY =
  'wandb-leet-fixtures/wandb/single-tiny/wandb/run-20260102_030405-tiny0001/run-tiny0001.wandb'

function streamOf<T>(chunks: T[]): ReadableStream<T> {
  return new ReadableStream<T>({
    start(controller) {
      for (const c of chunks) controller.enqueue(c)
      controller.close()
    },
  })
}

function texts(lines: ConsoleLine[]): string[] {
  return lines.map((l) => l.text)
}

function run(chunks: [('stdout' | 'stderr'), string][], options = {}): string[] {
  const e = new ConsoleEmulator(options)
  const out: ConsoleLine[] = []
  for (const [stream, text] of chunks) out.push(...e.write(stream, text))
  out.push(...e.end())
  return texts(out)
}

describe('ConsoleEmulator', () => {
  it('splits at \\n and keeps an unterminated last line', () => {
    assert.deepEqual(run([['stdout', 'a\nb\n\nc']]), ['a', 'b', '', 'c'])
  })

  it('does not invent an empty line after a final \\n', () => {
    assert.deepEqual(run([['stdout', 'a\n']]), ['a'])
  })

  it('overwrites from the line start after \\r, across chunks', () => {
    assert.deepEqual(
      run([['stdout', 'progress 10%\r'], ['stdout', 'progress 20%\r'], ['stdout', 'done\n']]),
      ['doneress 20%'],
    )
    assert.deepEqual(run([['stdout', 'abc\rxy\n']]), ['xyc'])
  })

  it('clears with ESC[2K and ESC[K and moves up with ESC[A', () => {
    assert.deepEqual(run([['stdout', 'long text\r\x1b[2Kshort\n']]), ['short'])
    assert.deepEqual(run([['stdout', 'abcdef\r\x1b[3C\x1b[K\n']]), ['abc'])
    assert.deepEqual(run([['stdout', 'bar1 0%\nbar2 0%\n\x1b[2A\rbar1 50%\n\rbar2 50%\n']]), [
      'bar1 50%',
      'bar2 50%',
    ])
  })

  it('handles an escape sequence split across chunks', () => {
    assert.deepEqual(run([['stdout', 'abc\r\x1b['], ['stdout', '2Kz\n']]), ['z'])
  })

  it('keeps colour codes by default and strips them on request', () => {
    const line = '\x1b[32mINFO\x1b[0m config loaded\n'
    assert.deepEqual(run([['stdout', line]]), ['\x1b[32mINFO\x1b[0m config loaded'])
    assert.deepEqual(run([['stdout', line]], { ansi: 'strip' }), ['INFO config loaded'])
    assert.deepEqual(run([['stdout', 'red \x1b[31m\n']]), ['red \x1b[31m'])
  })

  it('drops other control sequences and OSC titles', () => {
    assert.deepEqual(run([['stdout', '\x1b[?25la\x1b]0;title\x07b\x1b7c\x01\n']]), ['abc'])
  })

  it('keeps the order lines were started; ERROR prefix for stderr on request', () => {
    assert.deepEqual(run([['stdout', 'one\n'], ['stderr', 'warn\n'], ['stdout', 'two\n']]), [
      'one',
      'warn',
      'two',
    ])
    assert.deepEqual(run([['stderr', 'warn\n']], { errorPrefix: true }), ['ERROR warn'])
  })

  it('emulates stdout and stderr separately', () => {
    assert.deepEqual(
      run([['stdout', 'abc'], ['stderr', 'x\r'], ['stdout', '\rZ\n'], ['stderr', 'y\n']]),
      [
        'Zbc',
        'y',
      ],
    )
  })

  it('emits lines as soon as they leave the window, so memory stays bounded', () => {
    const e = new ConsoleEmulator({ window: 2 })
    assert.deepEqual(texts(e.write('stdout', 'a\nb\n')), [])
    assert.deepEqual(texts(e.write('stdout', 'c\n')), ['a'])
    assert.deepEqual(texts(e.end()), ['b', 'c'])
    const big = new ConsoleEmulator({ window: 4 })
    let emitted = 0
    big.write('stdout', 'progress\r')
    for (let i = 0; i < 1000; i++) emitted += big.write('stderr', `line ${i}\n`).length
    assert.ok(emitted >= 1000 - 4 * 4 - 64, `only ${emitted} lines emitted before end`)
  })

  it('cuts lines at maxLineLength', () => {
    assert.deepEqual(run([['stdout', 'abcdefgh\n']], { maxLineLength: 3 }), ['abc'])
  })

  it('rejects an unknown ansi option', () => {
    assert.throws(() => new ConsoleEmulator({ ansi: 'maybe' as 'keep' }), TypeError)
  })

  it('writes whole lines for output_logger text', () => {
    const e = new ConsoleEmulator()
    assert.deepEqual(e.writeLines('logger', 'l1\nl2\n', 5), [
      { stream: 'logger', text: 'l1', timestamp: 5 },
      { stream: 'logger', text: 'l2', timestamp: 5 },
    ])
  })
})

describe('consoleLineStream', () => {
  it('turns record batches into line batches with timestamps', async () => {
    const records: WandbRecord[] = [
      {
        type: 'output_raw',
        num: 1,
        offset: 0,
        output: { stream: 'stdout', line: 'a\rb', timestamp: { seconds: 10, nanos: 5e8 } },
      },
      { type: 'history', num: 2, offset: 0, history: { items: [] } },
      {
        type: 'output_raw',
        num: 3,
        offset: 0,
        output: { stream: 'stderr', line: 'oops\n', timestamp: { seconds: 11, nanos: 0 } },
      },
      { type: 'output_raw', num: 4, offset: 0, output: { stream: 'stdout', line: '\n' } },
      { type: 'output_logger', num: 5, offset: 0, line: 'logged' },
    ]
    const lines: ConsoleLine[] = []
    const stream = streamOf([records.slice(0, 2), records.slice(2)]).pipeThrough(
      consoleLineStream(),
    )
    for await (const batch of stream) lines.push(...batch)
    assert.deepEqual(lines, [
      { stream: 'stdout', text: 'b', timestamp: 10.5 },
      { stream: 'stderr', text: 'oops', timestamp: 11 },
      { stream: 'logger', text: 'logged' },
    ])
  })

  it('filters by stream', async () => {
    const records: WandbRecord[] = [
      { type: 'output_raw', num: 1, offset: 0, output: { stream: 'stdout', line: 'out\n' } },
      { type: 'output', num: 2, offset: 0, output: { stream: 'stderr', line: 'err\n' } },
    ]
    const lines: ConsoleLine[] = []
    for await (
      const batch of streamOf([records]).pipeThrough(consoleLineStream({ streams: ['stderr'] }))
    ) {
      lines.push(...batch)
    }
    // A legacy `output` record goes through the SDK's carriage-return de-duplicating file, which
    // holds the last line back and writes an empty line for a chunk that completes none.
    assert.deepEqual(texts(lines), ['', 'err'])
    assert.equal(lines[1].unterminated, true)
  })
})

describe('console output of real logs', () => {
  const tinyText = [
    'Starting training run tiny0001',
    '\x1b[32mINFO\x1b[0m config loaded: lr=0.001 batch_size=32',
    'training: 100%|##########| 50/50',
    'warning: fixture warning emitted at step 25',
    'epoch 1 complete, loss=1.65',
    'epoch 2 complete, loss=1.3',
    'epoch 3 complete, loss=0.95',
    'epoch 4 complete, loss=0.6',
    'epoch 5 complete, loss=0.25',
    'Run finished successfully.',
  ]

  it(
    'tiny0001: ten \\r progress rewrites collapse to one line; stderr in order',
    { skip },
    async () => {
      const lines = await fixtureLines(TINY)
      assert.deepEqual(texts(lines), tinyText)
      assert.deepEqual(lines.map((l) => l.stream), [
        'stdout',
        'stdout',
        'stdout',
        'stderr',
        'stdout',
        'stdout',
        'stdout',
        'stdout',
        'stdout',
        'stdout',
      ])
      assert.equal(lines[0].timestamp, 1767323045)
      assert.equal(lines[2].timestamp, 1767323051)
    },
  )

  it('tiny0001: colour codes stripped on request', { skip }, async () => {
    const lines = await fixtureLines(TINY, { ansi: 'strip' })
    assert.equal(lines[1].text, 'INFO config loaded: lr=0.001 batch_size=32')
  })

  it('tiny0001: only stderr', { skip }, async () => {
    const lines = await fixtureLines(TINY, { streams: ['stderr'], errorPrefix: true })
    assert.deepEqual(texts(lines), ['ERROR warning: fixture warning emitted at step 25'])
  })

  it('uni00001: emoji and ZWJ sequences survive', { skip }, async () => {
    const lines = await fixtureLines(
      'wandb-leet-fixtures/wandb/edge-unicode/wandb/run-20260102_030405-uni00001/run-uni00001.wandb',
    )
    assert.deepEqual(texts(lines), ['训练开始 🚀 ログ出力 👨\u200d👩\u200d👧\u200d👦'])
  })

  it('2021 legacy run: no console records, like its empty output.log', { skip }, async () => {
    assert.deepEqual(await fixtureLines('wandb-offline-run-2021/run-g9dvvkua.wandb'), [])
  })
})
