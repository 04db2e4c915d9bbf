import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { DedupedOutput } from '../../src/local/console_dedup.ts'
import { consoleText } from '../../src/local/console_stream.ts'
import type { ConsoleLine } from '../../src/local/console_output.ts'

/** The output.log text the legacy writer's de-duplicating file makes of these chunks. */
function file(chunks: ['stdout' | 'stderr', string][]): string {
  const out = new DedupedOutput()
  const lines: ConsoleLine[] = []
  for (const [stream, data] of chunks) lines.push(...out.write(stream, data))
  lines.push(...out.end())
  return consoleText(lines)
}

describe('DedupedOutput (legacy wrap-mode output.log)', () => {
  it('a chunk starting with \\r replaces the held-back line: one progress bar line, not every state', () => {
    const bar = (n: number) => `\r${n}%|${'#'.repeat(n / 10)}|`
    assert.equal(
      file([['stderr', bar(10)], ['stderr', bar(50)], ['stderr', bar(100)], ['stderr', '\n']]),
      '\n\n\n\n100%|##########|',
    )
  })

  it('holds the last piece back, writes an empty line per chunk that completes none, ends without a line break', () => {
    assert.equal(
      file([['stdout', 'hello'], ['stdout', '\n'], ['stdout', 'next\n']]),
      '\n\nhello\nnext',
    )
  })

  it('a \\r chunk drops the held-back line even when the other stream wrote it (as the SDK did)', () => {
    assert.equal(
      file([['stderr', '\r10%'], ['stdout', 'log\n'], ['stderr', '\r20%']]),
      '\n10%\n\n20%',
    )
  })

  it('keeps only the text after the last \\r of each piece', () => {
    assert.equal(file([['stdout', 'a\rb\rc\nd\n']]), 'c\nd')
  })
})
