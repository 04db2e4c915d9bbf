import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { runtimeName } from '../../src/runtime.ts'
import { ExportState } from '../../src/bulk/export_state.ts'
import { verifyDataset } from '../../src/bulk/verify.ts'
import { runCli } from '../cli/_run_cli.ts'
import type { CliIo } from '../../src/cli/cli_io.ts'
import { main } from '../../src/cli/main.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { addRuns, assertSameExport, fastEnv, tempDir, useServerEnv } from './_project.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
const cliPath = join(root, 'cli.ts')
// The test spawns the TypeScript sources with the running runtime; Node strips types since 22.18.
const skip = runtimeName === 'node' && !(process.features as { typescript?: unknown }).typescript
  ? 'this Node runs no TypeScript sources (Node 22.18 or later does)'
  : false
const ARGS = ['bulk/resume', '--part-rows', '25', '--concurrency', '3']

let server: TestServer
let restoreEnv: (() => void) | undefined
const folders: { dir: string; cleanup: () => void }[] = []

before(async () => {
  server = await startTestServer()
  addRuns(server, 'bulk', 'resume', 40)
  restoreEnv = useServerEnv(server)
}, { timeout: 60_000 })

after(async () => {
  restoreEnv?.()
  for (const f of folders) f.cleanup()
  await server.stop()
})

/** History part files in an export folder. */
function countParts(dir: string): number {
  const history = join(dir, 'history')
  if (!existsSync(history)) return 0
  let n = 0
  for (const run of readdirSync(history)) {
    n += readdirSync(join(history, run)).filter((f) => f.endsWith('.parquet')).length
  }
  return n
}

test('kill -9 in the middle of an export, then the same command: a byte-identical dataset', {
  skip,
  timeout: 120_000,
}, async () => {
  const whole = tempDir('whole')
  const killed = tempDir('killed')
  folders.push(whole, killed)
  const reference = await runCli(['export', ...ARGS, '--out', whole.dir])
  assert.equal(reference.code, 0, reference.stderr)
  const totalParts = countParts(whole.dir)
  assert.ok(totalParts > 80, `expected many parts, got ${totalParts}`)

  // The child exports at most 40 requests a second, so it is still running when it is killed.
  const runtimeArgs = runtimeName === 'deno' ? ['run', '-A', cliPath] : [cliPath]
  const child = spawn(
    process.execPath,
    [...runtimeArgs, 'export', ...ARGS, '--out', killed.dir, '--max-rps', '40'],
    { cwd: root, env: { ...process.env, ...fastEnv(server) }, stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let stderr = ''
  child.stderr!.on('data', (d) => (stderr += d))
  const exited = new Promise<string | null>((resolve) => child.on('exit', (_c, s) => resolve(s)))
  while (countParts(killed.dir) < 20) {
    if (child.exitCode !== null) assert.fail(`the export ended before it was killed: ${stderr}`)
    await new Promise((r) => setTimeout(r, 10))
  }
  child.kill('SIGKILL')
  assert.equal(await exited, 'SIGKILL')
  const partsAtKill = countParts(killed.dir)
  assert.ok(partsAtKill < totalParts, `killed after ${partsAtKill} of ${totalParts} parts`)

  // What the killed export recorded as done must survive the rerun untouched.
  const recorded = await ExportState.peek(killed.dir)
  assert.ok(recorded, 'the killed export left a manifest')
  assert.equal(recorded.finishedAt, null)
  const done = Object.values(recorded.runs).flatMap((e) => e.history?.parts ?? [])
  assert.ok(done.length > 0)
  const mtimes = new Map(done.map((p) => [p.file, statSync(join(killed.dir, p.file)).mtimeMs]))

  const rerun = await runCli(['export', ...ARGS, '--out', killed.dir])
  assert.equal(rerun.code, 0, rerun.stderr)
  for (const [file, mtime] of mtimes) {
    assert.equal(statSync(join(killed.dir, file)).mtimeMs, mtime, `${file} was rewritten`)
  }

  await assertSameExport(whole.dir, killed.dir)
  assert.equal((await verifyDataset(killed.dir)).ok, true)
})

test(
  'Ctrl-C stops the export with code 130, keeps its progress, and the same command finishes it',
  { timeout: 60_000 },
  async () => {
    const f = tempDir('interrupted')
    folders.push(f)
    const controller = new AbortController()
    let stderr = ''
    const io: CliIo = {
      stdout: () => new WritableStream<Uint8Array>(),
      stderr: (text) => void (stderr += text),
      stdoutIsTTY: false,
      stderrIsTTY: false,
    }
    const running = main(['export', ...ARGS, '--out', f.dir, '--max-rps', '100'], {
      io,
      signal: controller.signal,
    })
    while (countParts(f.dir) < 10) await new Promise((r) => setTimeout(r, 5))
    controller.abort(new Error('Interrupted (Ctrl-C)'))
    assert.equal(await running, 130)
    assert.match(stderr, /export interrupted; run the same command again to continue it/)
    const kept = await ExportState.peek(f.dir)
    assert.equal(kept!.finishedAt, null)
    const parts = Object.values(kept!.runs).flatMap((e) => e.history?.parts ?? []).length
    assert.ok(parts >= 10, `progress kept: ${parts} parts`)
    assert.equal(existsSync(join(f.dir, '.wbx-journal.ndjson')), true)
    const rerun = await runCli(['export', ...ARGS, '--out', f.dir])
    assert.equal(rerun.code, 0, rerun.stderr)
    assert.deepEqual((await verifyDataset(f.dir)).problems, [])
  },
)
