import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { configCommand } from '../../../src/cli/commands/config.ts'
import type { CommandContext, OptionValues } from '../../../src/cli/command.ts'

const sample = fileURLToPath(new URL('../../../samples/wandb/latest-run', import.meta.url))

/** Runs `wbx config` in-process on the bundled sample run, returning stdout. */
async function config(values: OptionValues): Promise<{ code: number; out: string }> {
  const chunks: Uint8Array[] = []
  const ctx: CommandContext = {
    values,
    positionals: [sample],
    signal: new AbortController().signal,
    io: {
      stdout: () => new WritableStream({ write: (c) => void chunks.push(c) }),
      stderr: () => {},
      stdoutIsTTY: false,
      stderrIsTTY: false,
    },
  }
  const code = await configCommand.run(ctx)
  return { code, out: new TextDecoder().decode(Buffer.concat(chunks)) }
}

test('wbx config prints the user config as indented JSON', async () => {
  const { code, out } = await config({})
  assert.equal(code, 0)
  assert.equal(
    out,
    JSON.stringify(
      { lr: 0.05, batch_size: 64, optimizer: { name: 'sgd', momentum: 0.9 } },
      null,
      2,
    ) +
      '\n',
  )
})

test('wbx config --raw prints the stored form with _wandb', async () => {
  const raw = JSON.parse((await config({ raw: true })).out)
  assert.deepEqual(Object.keys(raw), ['_wandb', 'lr', 'batch_size', 'optimizer'])
  assert.equal(raw._wandb.cli_version, '0.31.0')
  assert.equal(raw._wandb.python_version, '3.11.7')
  assert.equal(raw.lr, 0.05)
})

test('wbx config --format csv exports one row with flattened keys', async () => {
  const { out } = await config({ format: 'csv' })
  const [header, row] = out.trimEnd().split('\n')
  assert.deepEqual(header.split(','), ['lr', 'batch_size', 'optimizer.name', 'optimizer.momentum'])
  assert.equal(row, '0.05,64,sgd,0.9')
})
