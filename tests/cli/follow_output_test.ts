/**
 * The CLI's `-f/--follow`: a remote run followed to its end, a stalled run ending with exit 3
 * and a complete output file, usage errors, local logs and system metrics followed, and the
 * helpers that regroup Parquet batches by time and fix CSV columns.
 */
import process from 'node:process'
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { runtimeName } from '../../src/runtime.ts'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parquetReadObjects } from 'hyparquet'
import type { Row } from '../../src/row.ts'
import {
  batchesPerInterval,
  EXIT_STALLED,
  firstBatchColumns,
  startFollowing,
} from '../../src/cli/follow_output.ts'
import type { CommandContext, OptionValues } from '../../src/cli/command.ts'
import { FollowIdleError } from '../../src/follow_idle_error.ts'
import { runCli } from './_run_cli.ts'
import { generateRun } from '../server/generate_run.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'

const runs = fileURLToPath(new URL('../fixtures/runs/wandb/', import.meta.url))
const consoleRun = join(runs, 'offline-run-20261128_072701-wbxconsole')
const systemRun = join(runs, 'offline-run-20261128_072656-wbxsystem')
let server: TestServer
let dir: string
const savedEnv: Record<string, string | undefined> = {}

before(async () => {
  server = await startTestServer()
  for (const id of ['live', 'stalled']) {
    server.addRun({
      ...generateRun({ entity: 'e', project: 'p', id, steps: 40 }),
      state: 'running',
    })
  }
  for (const name of ['WANDB_BASE_URL', 'WANDB_API_KEY']) savedEnv[name] = process.env[name]
  process.env.WANDB_BASE_URL = server.baseUrl
  process.env.WANDB_API_KEY = server.apiKey
  dir = mkdtempSync(join(tmpdir(), 'wbx-follow-out-'))
})

after(async () => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  await server.stop()
  rmSync(dir, { recursive: true, force: true })
})

function post(run: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${server.baseUrl}/files/e/p/${run}/file_stream`, {
    method: 'POST',
    headers: { authorization: `Basic ${btoa(`api:${server.apiKey}`)}` },
    body: JSON.stringify(body),
  })
}

const lines = (text: string) => text.trim().split('\n').filter(Boolean)

describe('wbx -f', () => {
  it('follows a remote run to its end: rows logged meanwhile included, exit 0', async () => {
    const cli = runCli(['history', 'e/p/live', '-f'])
    await new Promise((r) => setTimeout(r, 300))
    const content = [40, 41, 42].map((s) => JSON.stringify({ _step: s, late: s }))
    await post('live', { files: { 'wandb-history.jsonl': { offset: 40, content } } })
    await new Promise((r) => setTimeout(r, 300))
    await post('live', { complete: true, exitcode: 0 })
    const r = await cli
    assert.equal(r.code, 0, r.stderr)
    const rows = lines(r.stdout).map((l) => JSON.parse(l))
    assert.deepEqual(rows.map((x) => x._step), Array.from({ length: 43 }, (_, i) => i))
    assert.deepEqual(rows[42], { _step: 42, late: 42 })
    assert.match(r.stderr, /the run is finished; followed to its end \(last step 42, 43 rows\)/)
  })

  it('a stalled run: exit 3 naming what was last seen, and the Parquet file holds every row read', async () => {
    const out = join(dir, 'stalled.parquet')
    const r = await runCli(['history', 'e/p/stalled', '-f', '--idle-timeout', '0.5', '-o', out])
    assert.equal(r.code, 3, r.stderr)
    assert.match(
      r.stderr,
      /looks stalled: no new history row for \d+ s; last seen: history step 39 \(state running\)/,
    )
    const bytes = readFileSync(out)
    const rows = await parquetReadObjects({
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    })
    assert.equal(rows.length, 40)
  })

  it('remote logs and system metrics: -f waits for the run, --idle-timeout stops it with exit 3', async () => {
    const logs = await runCli(['logs', 'e/p/stalled', '-f', '--idle-timeout', '0.5'])
    assert.equal(logs.code, 3, logs.stderr)
    assert.match(
      logs.stderr,
      /Run e\/p\/stalled looks stalled: still 'running' after 1 s of waiting for it to end/,
    )
    assert.equal(logs.stdout, '')
    const sys = await runCli(['system', 'e/p/stalled', '-f', '--idle-timeout', '0.5'])
    assert.equal(sys.code, 3, sys.stderr)
    assert.equal(lines(sys.stdout).length, 4, 'the samples there are')
    assert.match(sys.stderr, /looks stalled: no new system metrics/)
  })

  it('refuses -f csv (the old short --format) and --idle-timeout without -f', async () => {
    const a = await runCli(['history', consoleRun, '-f', 'csv'])
    assert.equal(a.code, 2)
    assert.match(
      a.stderr,
      /-f means --follow in wbx history; to choose the format write --format csv/,
    )
    const b = await runCli(['system', consoleRun, '--idle-timeout', '5'])
    assert.equal(b.code, 2)
    assert.match(b.stderr, /--idle-timeout and --flush-interval apply with -f\/--follow/)
  })

  it('local logs and system metrics followed on a finished run equal the plain read', async () => {
    const logs = await runCli(['logs', consoleRun, '-f'])
    assert.equal(logs.code, 0, logs.stderr)
    assert.equal(logs.stdout, (await runCli(['logs', consoleRun])).stdout)
    assert.match(logs.stderr, /the run finished \(exit code 0\); followed to its end/)
    const sys = await runCli(['system', systemRun, '-f'])
    assert.equal(sys.code, 0, sys.stderr)
    assert.ok(lines(sys.stdout).length > 2)
    assert.equal(sys.stdout, (await runCli(['system', systemRun])).stdout)
  })
})

describe('wbx -f and Ctrl-C', {
  // The CLI runs as its .ts sources: Node strips types from 22.18 (and in every Node 24).
  skip: runtimeName === 'node' && !(process.features as { typescript?: string | false }).typescript
    ? 'spawns the TypeScript CLI: this Node does not run .ts files (use Node 24, or 22.18+)'
    : false,
}, () => {
  it('Ctrl-C stops following a live local run at once, every line written whole', async () => {
    const path = join(dir, 'run-live.wandb')
    // A run cut mid-write and still "live" (just written): following waits for more.
    writeFileSync(
      path,
      readFileSync(join(runs, 'offline-run-20261128_072707-wbxlarge/run-wbxlarge.wandb')).subarray(
        0,
        400_000,
      ),
    )
    const cli = fileURLToPath(new URL('../../cli.ts', import.meta.url))
    const child = spawn(
      process.execPath,
      [...(runtimeName === 'deno' ? ['run', '-A', cli] : [cli]), 'history', path, '-f'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let out = ''
    let err = ''
    child.stdout!.on('data', (d) => (out += d))
    child.stderr!.on('data', (d) => (err += d))
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
    const expected = (await runCli(['history', path])).stdout
    while (out.length < expected.length && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 50))
    }
    await new Promise((r) => setTimeout(r, 300))
    assert.equal(child.exitCode, null, 'still following')
    const t = Date.now()
    child.kill('SIGINT')
    const code = await exited
    assert.ok(Date.now() - t < 5000, `stopped after ${Date.now() - t} ms`)
    assert.notEqual(code, 0)
    assert.match(err, /wbx: interrupted/)
    assert.equal(out, expected, 'every row read, each line whole')
  })
})

describe('follow output helpers', () => {
  it('batchesPerInterval releases what it holds once per interval and at the end', async () => {
    const input = new ReadableStream<Row[]>({
      async start(c) {
        for (let i = 0; i < 6; i++) {
          c.enqueue([{ _step: i }])
          await new Promise((r) => setTimeout(r, 40))
        }
        c.close()
      },
    })
    const out: number[][] = []
    for await (const b of input.pipeThrough(batchesPerInterval(100))) {
      out.push(b.map((r) => r._step as number))
    }
    assert.deepEqual(out.flat(), [0, 1, 2, 3, 4, 5])
    assert.ok(out.length >= 2 && out.length <= 4, JSON.stringify(out))
  })

  it('firstBatchColumns fixes the columns by the first batch and names the keys left out', async () => {
    const warnings: string[] = []
    const input = ReadableStream.from([[{ a: 1, _step: 0, n: { x: 1 } }], [{
      _step: 1,
      a: 2,
      b: 3,
    }]])
    const fixed = await firstBatchColumns(input, true, (t) => warnings.push(t))
    assert.deepEqual(fixed.columns, ['_step', 'a', 'n.x'])
    const rows: Row[] = []
    for await (const b of fixed.rows) rows.push(...b)
    assert.equal(rows.length, 2)
    assert.equal(warnings.length, 1)
    assert.match(warnings[0], /left out: b \(pass --keys, or use NDJSON\)/)
  })
})

describe('startFollowing', () => {
  const context = (values: OptionValues, stderr: string[]): CommandContext => ({
    values,
    positionals: ['run'],
    signal: new AbortController().signal,
    io: {
      stdout: () => new WritableStream(),
      stderr: (t) => void stderr.push(t),
      stdoutIsTTY: false,
      stderrIsTTY: false,
    },
  })
  const idleThen = (rows: number[]) => {
    let sent = false
    return new ReadableStream<number[]>({
      pull(c) {
        if (sent) throw new FollowIdleError('no new rows for 1 s', 1000, 'step 3')
        sent = true
        c.enqueue(rows)
      },
    }, { highWaterMark: 0 })
  }

  it('without -f passes the stream through (an idle error stays an error) and finishes with 0', async () => {
    const stderr: string[] = []
    const following = startFollowing(context({}, stderr), 'history')
    assert.equal(following.selection, undefined)
    const reader = following.endOnIdle(idleThen([1])).getReader()
    assert.deepEqual((await reader.read()).value, [1])
    await assert.rejects(reader.read(), FollowIdleError)
    assert.equal(following.finish(), 0)
    assert.deepEqual(stderr, [])
  })

  it('with -f ends the stream on the idle error, then reports it and exits stalled', async () => {
    const stderr: string[] = []
    const following = startFollowing(context({ follow: true, 'idle-timeout': '2' }, stderr), 'x')
    assert.equal(following.selection?.idleTimeoutMs, 2000)
    following.selection?.onEnd('run finished')
    const batches: number[][] = []
    for await (const b of following.endOnIdle(idleThen([1, 2]))) batches.push(b)
    assert.deepEqual(batches, [[1, 2]])
    assert.ok(following.outcome.error instanceof FollowIdleError)
    assert.equal(following.finish(), EXIT_STALLED)
    assert.deepEqual(stderr, ['wbx: run finished\n', 'wbx: no new rows for 1 s\n'])
  })
})
