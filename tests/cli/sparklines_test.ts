/** The sparkline hook of `wbx summary`/`wbx info`, in a real pseudo-terminal and through a pipe. */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import process from 'node:process'
import { runtimeName } from '../../src/runtime.ts'
import { runCli } from './_run_cli.ts'

const SAMPLE = 'samples/wandb/latest-run'
const hasScript = spawnSync('script', ['--version']).status === 0
const skip = hasScript ? false : 'SKIPPED: no util-linux `script` for a pseudo-terminal'
if (skip) console.warn(skip)

/** The CLI command line for this runtime. */
function cliCommand(args: string[]): string {
  const runtime = runtimeName === 'deno' ? [process.execPath, 'run', '-A'] : [process.execPath]
  return [...runtime, 'cli.ts', ...args].map((a) => `'${a}'`).join(' ')
}

describe('sparklines in wbx summary and wbx info', () => {
  it(
    'a terminal gets one sparkline per numeric summary key after the compact view',
    { skip },
    () => {
      const out = execFileSync('script', ['-qec', cliCommand(['summary', SAMPLE]), '/dev/null'], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
        timeout: 120_000,
      }).replace(/\r\n/g, '\n')
      const view = out.slice(0, out.lastIndexOf('\n\n'))
      assert.match(view, /^best_val_loss +0\.052$/m)
      const lines = out.slice(view.length).trim().split('\n')
      assert.deepEqual(lines.map((l) => l.split(/\s+/)[0]), [
        'lr',
        'val/loss',
        'train.acc',
        'train.loss',
      ])
      const loss = lines.find((l) => l.startsWith('train.loss'))!
      assert.match(
        loss,
        /^train\.loss {2}[▁▂▃▄▅▆▇█ ×]{32} {2}min 0\.0654649 {2}max 2\.51619 {2}last 0\.104385 {2}\(1 non-finite\)$/,
      )
    },
  )

  it('a pipe and --json get the JSON only; --sparklines asks for them, --no-sparklines turns them off', async () => {
    const piped = await runCli(['summary', SAMPLE])
    assert.equal(piped.code, 0)
    assert.doesNotMatch(piped.stdout, /▁|█/)
    JSON.parse(piped.stdout)
    const asked = await runCli(['info', SAMPLE, '--sparklines'])
    assert.match(asked.stdout, /\n\nlr {10}█▇▇▆/)
    const off = await runCli(['summary', SAMPLE, '--no-sparklines'], { stdoutIsTTY: true })
    assert.doesNotMatch(off.stdout, /▁|█/)
    const json = await runCli(['summary', SAMPLE, '--json'], { stdoutIsTTY: true })
    assert.equal(JSON.parse(json.stdout).best_val_loss, 0.052)
    const csv = await runCli(['summary', SAMPLE, '-f', 'csv'], { stdoutIsTTY: true })
    assert.doesNotMatch(csv.stdout, /▁|█/)
  })
})
