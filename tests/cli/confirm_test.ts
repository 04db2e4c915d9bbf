import { test } from 'node:test'
import assert from 'node:assert/strict'
import { confirm } from '../../src/cli/confirm.ts'
import type { CliIo } from '../../src/cli/cli_io.ts'

function io(answer: string | undefined, tty = true) {
  const err: string[] = []
  const value: CliIo = {
    stdout: () => new WritableStream(),
    stderr: (t) => err.push(t),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    stdinIsTTY: tty,
    readLine: () => Promise.resolve(answer),
  }
  return { io: value, err }
}

test('confirm goes ahead with --yes without asking', async () => {
  const t = io(undefined, false)
  assert.equal(await confirm(t.io, 'Delete 3 files?', true, 'rm'), true)
  assert.deepEqual(t.err, [])
})

test('confirm asks on a terminal and accepts only y or yes', async () => {
  for (
    const [answer, ok] of [['y', true], [' YES \n', true], ['n', false], ['', false], [
      undefined,
      false,
    ], ['yep', false]] as const
  ) {
    const t = io(answer)
    assert.equal(await confirm(t.io, 'Delete 3 files?', false, 'rm'), ok, String(answer))
    assert.deepEqual(t.err, ['Delete 3 files? [y/N] '])
  }
})

test('confirm refuses without a terminal, naming --yes and the command', async () => {
  await assert.rejects(confirm(io('y', false).io, 'Delete 3 files?', false, 'rm'), {
    name: 'UsageError',
    message: 'Delete 3 files: refusing without --yes, since stdin is not a terminal to confirm on',
    command: 'rm',
  })
})
