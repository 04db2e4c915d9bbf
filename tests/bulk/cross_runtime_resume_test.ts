import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { runtimeName } from '../../src/runtime.ts'
import { ExportState } from '../../src/bulk/export_state.ts'
import { verifyDataset } from '../../src/bulk/verify.ts'
import { runCli } from '../cli/_run_cli.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { addRuns, fastEnv, snapshot, tempDir, useServerEnv, withoutTimestamps } from './_project.ts'

// An export killed under one runtime and finished under another must still be byte-identical to
// an uninterrupted one: the parts the first runtime wrote are kept, the rest are written by the
// second, so both must make the same Parquet bytes (zstd is the bulk default codec).

const root = fileURLToPath(new URL('../../', import.meta.url))
const cliPath = join(root, 'cli.ts')
const ARGS = ['bulk/cross', '--part-rows', '25', '--concurrency', '3']

/** The other runtime that starts the export (Deno under Bun and Node, Bun under Deno). */
function otherRuntime(): { name: string; argv: string[] } | { missing: string } {
  const name = runtimeName === 'deno' ? 'bun' : 'deno'
  for (const bin of [join(root, '.tools/node_modules/.bin', name), name]) {
    if (spawnSync(bin, ['--version']).status === 0) {
      return { name, argv: name === 'deno' ? [bin, 'run', '-A', cliPath] : [bin, cliPath] }
    }
  }
  return { missing: `${name} not found (\`npm run tools\` puts it in .tools/; CI has it)` }
}

const other = otherRuntime()
const typescript = runtimeName !== 'node' ||
  (process.features as { typescript?: unknown }).typescript
const skip = 'missing' in other
  ? other.missing
  : !typescript
  ? 'this Node runs no TypeScript sources (Node 22.18 or later does)'
  : false

let server: TestServer
let restoreEnv: (() => void) | undefined
const folders: { dir: string; cleanup: () => void }[] = []

before(async () => {
  server = await startTestServer()
  addRuns(server, 'bulk', 'cross', 30)
  restoreEnv = useServerEnv(server)
}, { timeout: 60_000 })

after(async () => {
  restoreEnv?.()
  for (const f of folders) f.cleanup()
  await server?.stop()
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

test(`kill -9 under another runtime, finished under ${runtimeName}: a byte-identical dataset`, {
  skip,
  timeout: 120_000,
}, async () => {
  const whole = tempDir('cross-whole')
  const killed = tempDir('cross-killed')
  folders.push(whole, killed)
  const reference = await runCli(['export', ...ARGS, '--out', whole.dir])
  assert.equal(reference.code, 0, reference.stderr)
  const totalParts = countParts(whole.dir)

  const { name, argv } = other as { name: string; argv: string[] }
  const child = spawn(argv[0], [
    ...argv.slice(1),
    'export',
    ...ARGS,
    '--out',
    killed.dir,
    '--max-rps',
    '40',
  ], {
    cwd: root,
    env: { ...process.env, ...fastEnv(server) },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr!.on('data', (d) => (stderr += d))
  const exited = new Promise<string | null>((resolve) => child.on('exit', (_c, s) => resolve(s)))
  while (countParts(killed.dir) < 15) {
    if (child.exitCode !== null) {
      assert.fail(`the ${name} export ended before it was killed: ${stderr}`)
    }
    await new Promise((r) => setTimeout(r, 10))
  }
  child.kill('SIGKILL')
  assert.equal(await exited, 'SIGKILL')
  const recorded = await ExportState.peek(killed.dir)
  const kept = Object.values(recorded?.runs ?? {}).flatMap((e) => e.history?.parts ?? [])
  assert.ok(kept.length > 0 && countParts(killed.dir) < totalParts, `${name} parts were kept`)

  const rerun = await runCli(['export', ...ARGS, '--out', killed.dir])
  assert.equal(rerun.code, 0, rerun.stderr)
  const a = await snapshot(whole.dir)
  const b = await snapshot(killed.dir)
  assert.deepEqual([...b.keys()], [...a.keys()])
  for (const [file, bytes] of a) {
    if (file !== 'wbx-manifest.json') assert.deepEqual(b.get(file), bytes, `${file} differs`)
  }
  const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes)
  assert.deepEqual(
    withoutTimestamps(text(b.get('wbx-manifest.json'))),
    withoutTimestamps(text(a.get('wbx-manifest.json'))),
  )
  assert.equal((await verifyDataset(killed.dir)).ok, true)
})
