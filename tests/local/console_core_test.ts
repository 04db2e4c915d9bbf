import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { CoreConsole } from '../../src/local/console_core.ts'
import { consoleText } from '../../src/local/console_stream.ts'
import type { ConsoleLine } from '../../src/local/console_output.ts'

/** Feeds writes to a fresh model and returns the output.log text it records. */
function run(writes: ['stdout' | 'stderr', string][]): string {
  const model = new CoreConsole()
  const lines: ConsoleLine[] = []
  for (const [stream, text] of writes) lines.push(...model.write(stream, text))
  lines.push(...model.end())
  return consoleText(lines)
}

describe('CoreConsole (wandb-core line model)', () => {
  it('creates empty lines only when text next arrives on the stream (the issue example)', () => {
    const text = run([['stdout', 'A\n\n'], ['stderr', 'B\n'], ['stdout', 'C\n'], [
      'stdout',
      'x\n\n',
    ]])
    assert.equal(text, 'A\nB\n\nC\nx\n')
  })

  it('never records spaces that only extend a line', () => {
    assert.equal(run([['stdout', 'ab  \n'], ['stdout', '   \n'], ['stdout', 'c']]), 'ab\n\nc\n')
    // Spaces before a later character are part of the change that wrote it.
    assert.equal(run([['stdout', 'ab  c\n']]), 'ab  c\n')
    // A space that overwrites a character is a change.
    assert.equal(run([['stdout', 'abc\r  \n']]), '  c\n')
  })

  it('\\r rewrites a line in place and ESC[A reaches the line above', () => {
    assert.equal(run([['stdout', '10%\r50%\r100%\n']]), '100%\n')
    assert.equal(run([['stdout', 'one\ntwo\n\x1b[A\x1b[AONE\n']]), 'ONE\ntwo\n')
  })

  it('writes other control and escape characters as text', () => {
    assert.equal(run([['stdout', '\x1b[32mok\x1b[0m\ta\bb\n']]), '\x1b[32mok\x1b[0m\ta\bb\n')
    assert.equal(run([['stdout', '\x1b[2Ax\n']]), '\x1b[2Ax\n')
  })

  it('caps a run of line feeds at the terminal height and drops lines scrolled out of the model', () => {
    const text = run([['stdout', 'A\n' + '\n'.repeat(40) + 'B\n']])
    assert.equal(text, 'A\n' + '\n'.repeat(31) + 'B\n')
  })

  it('keeps output_logger lines in the shared line order', () => {
    const model = new CoreConsole()
    const lines = [
      ...model.write('stdout', 'a\n'),
      ...model.writeLines('log 1\nlog 2\n'),
      ...model.write('stdout', 'b\n'),
      ...model.end(),
    ]
    assert.deepEqual(lines.map((l) => [l.stream, l.text]), [
      ['stdout', 'a'],
      ['logger', 'log 1'],
      ['logger', 'log 2'],
      ['stdout', 'b'],
    ])
  })
})
