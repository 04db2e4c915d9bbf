import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { runtimeName } from '../../src/runtime.ts'
import { ownFixturesDir } from '../_fixtures.ts'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { TEST_API_KEY } from './test_server.ts'
import { basicAuth } from './_client.ts'

const mainPath = fileURLToPath(new URL('./main.ts', import.meta.url))
const root = fileURLToPath(new URL('../../', import.meta.url))

function runtimeArgs(args: string[]): string[] {
  return runtimeName === 'deno' ? ['run', '-A', mainPath, ...args] : [mainPath, ...args]
}

// The test spawns the TypeScript sources with the running runtime; Node strips types since 22.18.
const skipOnNode =
  runtimeName === 'node' && !(process.features as { typescript?: unknown }).typescript
    ? 'this Node runs no TypeScript sources (Node 22.18 or later does)'
    : false

test('the CLI seeds runs, prints the base URL first, serves GraphQL, and stops on SIGTERM', {
  skip: skipOnNode,
  timeout: 60_000,
}, async () => {
  const runsDir = join(ownFixturesDir, 'runs', 'wandb')
  const newest = (id: string) =>
    join(runsDir, readdirSync(runsDir).filter((n) => n.endsWith(`-${id}`)).sort().pop()!)
  const folder = newest('wbxscalars')
  const child = spawn(
    process.execPath,
    runtimeArgs([
      '--generate',
      'e/p/gen1:25',
      '--live-tail',
      '3',
      '--seed',
      folder,
      newest('wbxnested'),
    ]),
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  const exited = new Promise<[number | null, string | null]>((resolve) =>
    child.on('exit', (code, signal) => resolve([code, signal]))
  )
  try {
    const baseUrl = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (d) => {
        out += d
        const nl = out.indexOf('\n')
        if (nl >= 0) resolve(out.slice(0, nl))
      })
      exited.then(() => reject(new Error(`CLI exited early: ${stderr}`)))
    })
    assert.match(baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
    const query = `{ a: project(name: "p", entityName: "e") { run(name: "gen1") { historyLineCount
      parquetHistory(liveKeys: ["_step"]) { liveData } } }
      b: project(name: "wbx-fixtures", entityName: "test-entity") { run(name: "wbxscalars") { state } }
      c: project(name: "wbx-fixtures", entityName: "test-entity") { run(name: "wbxnested") { name } } }`
    const res = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { authorization: basicAuth(TEST_API_KEY), 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    })
    const body = await res.json()
    assert.equal(body.data.a.run.historyLineCount, 25)
    assert.deepEqual(body.data.a.run.parquetHistory.liveData, [{ _step: 22 }, { _step: 23 }, {
      _step: 24,
    }])
    assert.equal(body.data.b.run.state, 'finished')
    assert.equal(body.data.c.run.name, 'wbxnested', 'a second directory after --seed is seeded too')
    assert.match(stderr, /seeded test-entity\/wbx-fixtures\/wbxscalars from /)
    assert.match(stderr, /api key wbxtest/)
  } finally {
    child.kill('SIGTERM')
  }
  const [code, signal] = await exited
  // A child spawned from Deno's node:child_process dies of the signal before its handler runs (a
  // Deno quirk; from a shell or from Bun the handler runs and the exit code is 0).
  if (runtimeName === 'deno') {
    assert.ok(code === 0 || signal === 'SIGTERM', `exit ${code} ${signal}`)
  } else assert.equal(code, 0)
})

test('the CLI rejects a bad option with usage and exit code 2', {
  skip: skipOnNode,
  timeout: 60_000,
}, async () => {
  const child = spawn(process.execPath, runtimeArgs(['--bogus']), {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))
  assert.equal(code, 2)
  assert.match(stderr, /Usage: deno task test-server/)
})

test('the CLI serves a generated project under a rate limit: --generate-runs, --rate, --burst', {
  skip: skipOnNode,
  timeout: 60_000,
}, async () => {
  const child = spawn(
    process.execPath,
    runtimeArgs([
      ...['--generate-runs', '3', '--generate-project', 'e/g', '--run-sizes', 'fixed:50'],
      ...['--rate', '0.01', '--burst', '2', '--latency-ms', '1', '--storage-bandwidth', '100MB'],
      '--warm',
    ]),
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  try {
    const baseUrl = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (d) => {
        out += d
        if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')))
      })
      exited.then(() => reject(new Error(`CLI exited early: ${stderr}`)))
    })
    const post = () =>
      fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { authorization: basicAuth(TEST_API_KEY), 'content-type': 'application/json' },
        body: JSON.stringify({
          query: '{ project(name: "g", entityName: "e") { runCount } }',
        }),
      })
    const first = await post()
    assert.deepEqual(await first.json(), { data: { project: { runCount: 3 } } })
    assert.equal((await post()).status, 200)
    const third = await post()
    assert.equal(third.status, 429)
    assert.equal(third.headers.get('retry-after'), '100') // one token at 0.01/s
    await third.body?.cancel()
    assert.match(stderr, /generated e\/g: 3 runs, 150 rows/)
  } finally {
    child.kill('SIGTERM')
  }
  await exited
})

test('the CLI refuses an impossible limit naming the flag, with exit code 2', {
  skip: skipOnNode,
  timeout: 60_000,
}, async () => {
  for (
    const args of [['--rate', 'fast'], ['--storage-bandwidth', '0'], [
      '--run-sizes',
      'x',
      '--generate-runs',
      '2',
    ]]
  ) {
    const child = spawn(process.execPath, runtimeArgs(args), {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))
    assert.equal(code, 2, args.join(' '))
    assert.match(stderr, /Cannot read (--rate "fast"|bandwidth|run sizes "x")|Cannot cap bandwidth/)
  }
})
