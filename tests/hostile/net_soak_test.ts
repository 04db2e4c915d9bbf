/**
 * The bounded soak of issue 10: a 200-run `wbx export --files` through the hostile proxy, with
 * random 429s, 5xx, dropped connections, truncated bodies and refused (expired) signed URLs from
 * a seeded generator, killed with SIGKILL at random points three times and resumed; the result
 * passes `wbx verify` and is byte-identical to a clean export of the same project.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { runtimeName } from '../../src/runtime.ts'
import { runCli } from '../cli/_run_cli.ts'
import { seededRandom } from '../server/faults.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { addRuns, assertSameExport, fastEnv, tempDir } from '../bulk/_project.ts'
import {
  dropAnswer,
  type HostileServer,
  startHostileServer,
  statusAnswer,
  truncated,
} from './_hostile_server.ts'

const SEED = 1010
const root = fileURLToPath(new URL('../../', import.meta.url))
const cliPath = join(root, 'cli.ts')
// The test spawns `cli.ts` with the running runtime; Node strips types since 22.18 (and 23.6).
const skip = runtimeName === 'node' && !(process.features as { typescript?: unknown }).typescript
  ? 'this Node runs no TypeScript sources (Node 22.18 or later does)'
  : false
const ARGS = ['soak/p', '--files', '--pattern', '%.json', '--part-rows', '25', '--attempts', '5']

let server: TestServer
let proxy: HostileServer
const folders: { dir: string; cleanup: () => void }[] = []

before(async () => {
  server = await startTestServer({ seed: SEED })
  addRuns(server, 'soak', 'p', 200)
  proxy = await startHostileServer(server, SEED)
}, { timeout: 60_000 })

after(async () => {
  for (const f of folders) f.cleanup()
  await proxy.stop()
  await server.stop()
})

/** Files written so far under an export folder (parts, run files), temporary ones included. */
function countFiles(dir: string): number {
  let n = 0
  const walk = (d: string): void => {
    if (!existsSync(d)) return
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name))
      else n++
    }
  }
  walk(dir)
  return n
}

/** The hostile mix: every rule fires on a seeded share of the requests. */
function addFaults(): void {
  proxy.rule({ probability: 0.03, respond: () => statusAnswer(429, '0.05') })
  proxy.rule({ probability: 0.03, respond: () => statusAnswer(503) })
  proxy.rule({ origin: 'api', probability: 0.01, respond: () => statusAnswer(500) })
  proxy.rule({ probability: 0.02, respond: dropAnswer })
  proxy.rule({ probability: 0.02, reply: truncated })
  proxy.rule({ origin: 'files', probability: 0.03, respond: () => statusAnswer(403) })
}

test('soak: 200 runs, random faults, three kill -9s, resumed: verified and byte-identical', {
  skip,
  timeout: 180_000,
}, async () => {
  const clean = tempDir('soak-clean')
  const soaked = tempDir('soak-hostile')
  folders.push(clean, soaked)
  const saved = Object.fromEntries(Object.keys(fastEnv(server)).map((k) => [k, process.env[k]]))
  try {
    Object.assign(process.env, fastEnv(server))
    const reference = await runCli(['export', ...ARGS, '--out', clean.dir])
    assert.equal(reference.code, 0, reference.stderr)
    const total = countFiles(clean.dir)

    addFaults()
    const env = { ...process.env, ...fastEnv(server), WANDB_BASE_URL: proxy.baseUrl }
    const random = seededRandom(SEED)
    const runtimeArgs = runtimeName === 'deno' ? ['run', '-A', cliPath] : [cliPath]
    let kills = 0
    for (let round = 0; round < 3; round++) {
      // Kill after a random share of the remaining files: 10%-40%, 30%-60%, 50%-80% of the total.
      const target = Math.floor(total * (0.1 + 0.2 * round + 0.3 * random()))
      const child = spawn(process.execPath, [
        ...runtimeArgs,
        'export',
        ...ARGS,
        '--out',
        soaked.dir,
      ], {
        cwd: root,
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      })
      let stderr = ''
      child.stderr!.on('data', (d) => (stderr += d))
      const exited = new Promise<string | null>((resolve) =>
        child.on('exit', (_c, s) => resolve(s))
      )
      while (countFiles(soaked.dir) < target && child.exitCode === null) {
        await new Promise((r) => setTimeout(r, 5))
      }
      if (child.exitCode === null) {
        child.kill('SIGKILL')
        kills++
      }
      const signal = await exited
      assert.ok(signal === 'SIGKILL' || child.exitCode !== null, stderr)
    }
    assert.ok(kills >= 2, `the export was killed ${kills} times`)

    // Resume until complete (a run refused on every attempt of one pass is retried by the next).
    Object.assign(process.env, { WANDB_BASE_URL: proxy.baseUrl })
    let last = await runCli(['export', ...ARGS, '--out', soaked.dir])
    for (let pass = 0; pass < 2 && last.code !== 0; pass++) {
      last = await runCli(['export', ...ARGS, '--out', soaked.dir])
    }
    assert.equal(last.code, 0, last.stderr)
    const faults = proxy.requests.filter((r) => r.rewritten).length
    assert.ok(faults > 100, `${faults} faults served`)

    const verified = await runCli(['verify', soaked.dir])
    assert.equal(verified.code, 0, verified.stdout + verified.stderr)

    await assertSameExport(
      clean.dir,
      soaked.dir,
      (text) => text.replaceAll(proxy.baseUrl, server.baseUrl),
    )
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
    proxy.clear()
  }
})
