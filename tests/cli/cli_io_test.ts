import { test } from 'node:test'
import assert from 'node:assert/strict'
import { type CliIo, processIo, writeText } from '../../src/cli/cli_io.ts'

test('writeText writes UTF-8 text to stdout and closes it', async () => {
  const chunks: Uint8Array[] = []
  let closed = false
  const io: CliIo = {
    stdout: () =>
      new WritableStream({
        write: (c) => void chunks.push(c),
        close: () => void (closed = true),
      }),
    stderr: () => {},
    stdoutIsTTY: false,
    stderrIsTTY: false,
  }
  await writeText(io, 'héllo\n')
  assert.equal(closed, true)
  assert.deepEqual(chunks, [new TextEncoder().encode('héllo\n')])
})

test('processIo describes the process with booleans for each terminal check', () => {
  const io = processIo()
  assert.equal(typeof io.stdout, 'function')
  assert.equal(typeof io.stderr, 'function')
  assert.equal(typeof io.readLine, 'function')
  for (const flag of [io.stdoutIsTTY, io.stderrIsTTY, io.stdinIsTTY]) {
    assert.equal(typeof flag, 'boolean')
  }
})
