import process from 'node:process'
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main } from '../../src/cli/main.ts'
import type { CliIo } from '../../src/cli/cli_io.ts'
import { runCli } from './_run_cli.ts'
import { generateRun } from '../server/generate_run.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'

const E = 'cli-team'
const P = 'cli-proj'
let server: TestServer
const savedEnv: Record<string, string | undefined> = {}

before(async () => {
  server = await startTestServer()
  for (const name of ['WANDB_BASE_URL', 'WANDB_API_KEY', 'WANDB_ENTITY', 'WANDB_PROJECT']) {
    savedEnv[name] = process.env[name]
    delete process.env[name]
  }
  process.env.WANDB_BASE_URL = server.baseUrl
  process.env.WANDB_API_KEY = server.apiKey
})

after(async () => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  await server.stop()
})

/** Adds a fresh run for one test and returns its path. */
function seed(id: string, extra: Parameters<typeof generateRun>[0] = {}): string {
  server.addRun(generateRun({
    entity: E,
    project: P,
    id,
    steps: 3,
    tags: ['a', 'b'],
    notes: 'old notes',
    rawConfig: { wandb_version: '0.31.0', lr: { value: 0.1, desc: 'rate' } },
    summary: { acc: 0.5, nested: { x: 1 } },
    ...extra,
  }))
  return `${E}/${P}/${id}`
}

/** Runs the CLI with a stdin that is a terminal answering `answer` (or not a terminal). */
async function runWithStdin(
  argv: string[],
  stdin: { tty: boolean; answer?: string },
): Promise<{ code: number; stdout: string; stderr: string; asked: boolean }> {
  let stdout = ''
  let stderr = ''
  let asked = false
  const io: CliIo = {
    stdout: () =>
      new WritableStream<Uint8Array>({
        write: (c) => {
          stdout += new TextDecoder().decode(c)
        },
      }),
    stderr: (t) => (stderr += t),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    stdinIsTTY: stdin.tty,
    readLine: () => {
      asked = true
      return Promise.resolve(stdin.answer)
    },
  }
  const code = await main(argv, { io })
  return { code, stdout, stderr, asked }
}

test('wbx run set changes tags, notes, name, config and summary; a fresh read sees them', async () => {
  const path = seed('set1')
  const r = await runCli([
    'run',
    'set',
    path,
    '--tag',
    'x',
    '--tag',
    'y',
    '--notes',
    'new notes',
    '--name',
    'Nice name',
    '--config',
    'lr=0.02',
    '--config',
    'model.layers=4',
    '--summary',
    'acc=0.9',
    '--summary',
    'nested.y={"z": true}',
    '--summary',
    'label=best run',
    '--summary',
    'quoted="7"',
    '--unset-summary',
    'nested.x',
  ])
  assert.equal(r.code, 0, r.stderr)
  assert.deepEqual(r.stdout.trim().split('\n'), [
    'name: "set1" -> "Nice name"',
    'notes: "old notes" -> "new notes"',
    'tags: +x +y -a -b',
    'config.lr: 0.1 -> 0.02',
    'config.model: (unset) -> {"layers":4}',
    'summary.acc: 0.5 -> 0.9',
    'summary.nested.x: 1 -> (deleted)',
    'summary.nested.y: (unset) -> {"z":true}',
    'summary.label: (unset) -> "best run"',
    'summary.quoted: (unset) -> "7"',
  ])
  assert.match(
    r.stderr,
    /saved displayName, notes, tags, config, summaryMetrics of cli-team\/cli-proj\/set1/,
  )
  const stored = server.store.run(E, P, 'set1')!
  assert.deepEqual(stored.tags, ['x', 'y'])
  assert.equal(stored.notes, 'new notes')
  assert.equal(stored.displayName, 'Nice name')
  assert.deepEqual(stored.rawConfig, {
    wandb_version: '0.31.0',
    lr: { value: 0.02, desc: 'rate' },
    model: { value: { layers: 4 }, desc: null },
  })
  assert.equal(stored.summary.acc, 0.9)
  assert.deepEqual(stored.summary.nested, { y: { z: true } })
  assert.equal(stored.summary.label, 'best run')
  assert.equal(stored.summary.quoted, '7')
  const info = await runCli(['info', path])
  assert.equal(info.code, 0, info.stderr)
  assert.deepEqual(JSON.parse(info.stdout).tags, ['x', 'y'])
})

test('wbx run set --dry-run prints the diff and sends nothing; add/remove tags', async () => {
  const path = seed('dry1')
  const mark = server.requests.length
  const r = await runCli(['run', 'set', path, '--add-tag', 'c', '--remove-tag', 'a', '--dry-run'])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, 'tags: +c -a\n')
  assert.match(r.stderr, /dry run: nothing was sent/)
  assert.equal(server.requests.slice(mark).some((q) => q.operation === 'UpsertBucket'), false)
  assert.deepEqual(server.store.run(E, P, 'dry1')!.tags, ['a', 'b'])
  const real = await runCli(['run', 'set', path, '--add-tag', 'c', '--remove-tag', 'a'])
  assert.equal(real.code, 0, real.stderr)
  assert.deepEqual(server.store.run(E, P, 'dry1')!.tags, ['b', 'c'])
  const none = await runCli(['run', 'set', path, '--add-tag', 'c'])
  assert.equal(none.code, 0)
  assert.match(none.stderr, /nothing to change/)
})

test('wbx run set refusals: bad key=value, unknown run, read-only run, local folders', async () => {
  const path = seed('ro1', { readOnly: true })
  const bad = await runCli(['run', 'set', path, '--summary', 'novalue'])
  assert.equal(bad.code, 2)
  assert.match(bad.stderr, /--summary expects key=value, got "novalue"/)
  const empty = await runCli(['run', 'set', path, '--config', 'a..b=1'])
  assert.equal(empty.code, 2)
  const ro = await runCli(['run', 'set', path, '--notes', 'nope'])
  assert.equal(ro.code, 1)
  assert.match(ro.stderr, /HTTP 403: permission denied/)
  assert.equal(server.store.run(E, P, 'ro1')!.notes, 'old notes')
  const missing = await runCli(['run', 'set', `${E}/${P}/nope`, '--notes', 'x'])
  assert.equal(missing.code, 1)
  assert.match(missing.stderr, /Could not find run cli-team\/cli-proj\/nope/)
  const local = await runCli(['run', 'set', 'samples/wandb/latest-run', '--notes', 'x'])
  assert.equal(local.code, 2)
  assert.match(local.stderr, /not a W&B run path/)
  const sub = await runCli(['run', 'frobnicate', path])
  assert.equal(sub.code, 2)
  assert.match(
    sub.stderr,
    /Unknown subcommand "frobnicate"; use set, create, state, stop, delete, wait/,
  )
})

test('wbx run create makes a pending run and prints its path; an existing id is refused', async () => {
  seed('exists1')
  const r = await runCli(['run', 'create', `${E}/${P}/queued1`, '--state', 'pending'])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, `${E}/${P}/queued1\n`)
  assert.equal(server.store.run(E, P, 'queued1')!.state, 'pending')
  const gen = await runCli(['run', 'create', `${E}/${P}`])
  assert.equal(gen.code, 0, gen.stderr)
  const [, , id] = gen.stdout.trim().split('/')
  assert.match(id, /^[a-z0-9]{8}$/)
  assert.equal(server.store.run(E, P, id)!.state, 'running')
  const again = await runCli(['run', 'create', `${E}/${P}/exists1`])
  assert.equal(again.code, 1)
  assert.match(again.stderr, /a run with that id exists/)
  const badState = await runCli(['run', 'create', `${E}/${P}/x1`, '--state', 'finished'])
  assert.equal(badState.code, 2)
})

test('wbx run state re-queues a failed run and refuses a finished one', async () => {
  const failed = seed('st1', { state: 'failed' })
  const r = await runCli(['run', 'state', failed, 'pending'])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, 'pending\n')
  assert.equal(server.store.run(E, P, 'st1')!.state, 'pending')
  const finished = seed('st2')
  const no = await runCli(['run', 'state', finished, 'pending'])
  assert.equal(no.code, 1)
  assert.match(no.stderr, /from 'finished' to 'pending'/)
  assert.equal(server.store.run(E, P, 'st2')!.state, 'finished')
  const bad = await runCli(['run', 'state', finished, 'running'])
  assert.equal(bad.code, 2)
})

test('wbx run delete asks on a terminal, refuses without --yes elsewhere, deletes with --yes', async () => {
  const path = seed('del1', { loggedArtifacts: [{ name: 'del-ds' }] })
  const noTty = await runWithStdin(['run', 'delete', path], { tty: false })
  assert.equal(noTty.code, 2)
  assert.match(noTty.stderr, /refusing without --yes/)
  assert.ok(server.store.run(E, P, 'del1'))
  const declined = await runWithStdin(['run', 'delete', path], { tty: true, answer: 'n' })
  assert.equal(declined.code, 1)
  assert.ok(declined.asked)
  assert.match(declined.stderr, /Delete run cli-team\/cli-proj\/del1\? \[y\/N\]/)
  assert.ok(server.store.run(E, P, 'del1'))
  const eof = await runWithStdin(['run', 'delete', path], { tty: true, answer: undefined })
  assert.equal(eof.code, 1)
  assert.ok(server.store.run(E, P, 'del1'))
  const [artifactId] = [...server.store.artifacts.entries()]
    .find(([, a]) => a.collection.name === 'del-ds')!
  const yes = await runWithStdin(['run', 'delete', path, '--artifacts'], { tty: true, answer: 'y' })
  assert.equal(yes.code, 0, yes.stderr)
  assert.match(yes.stderr, /and the artifacts it logged\?/)
  assert.equal(server.store.run(E, P, 'del1'), undefined)
  assert.equal(server.store.artifacts.has(artifactId), false)
  const other = seed('del2')
  const flag = await runWithStdin(['run', 'delete', other, '--yes'], { tty: false })
  assert.equal(flag.code, 0, flag.stderr)
  assert.equal(flag.asked, false)
  assert.equal(server.store.run(E, P, 'del2'), undefined)
})

test('wbx run stop needs confirmation too and sets the stop flag', async () => {
  const path = seed('stop1', { state: 'running' })
  const refused = await runWithStdin(['run', 'stop', path], { tty: false })
  assert.equal(refused.code, 2)
  assert.equal(server.store.run(E, P, 'stop1')!.stopRequested ?? false, false)
  const ok = await runWithStdin(['run', 'stop', path, '-y'], { tty: false })
  assert.equal(ok.code, 0, ok.stderr)
  assert.equal(server.store.run(E, P, 'stop1')!.stopRequested, true)
})

test('wbx run wait prints the final state: 0 finished, 1 killed, 124 on timeout', async () => {
  const finished = seed('w1')
  const a = await runCli(['run', 'wait', finished, '--interval', '0.01'])
  assert.equal(a.code, 0, a.stderr)
  assert.equal(a.stdout, 'finished\n')
  const running = seed('w2', { state: 'running' })
  setTimeout(() => (server.store.run(E, P, 'w2')!.state = 'killed'), 100)
  const b = await runCli(['run', 'wait', running, '--interval', '0.02'])
  assert.equal(b.code, 1)
  assert.equal(b.stdout, 'killed\n')
  assert.match(b.stderr, /ended killed/)
  const pending = seed('w3', { state: 'pending' })
  const c = await runCli(['run', 'wait', pending, '--interval', '0.02', '--timeout', '0.15'])
  assert.equal(c.code, 124)
  assert.equal(c.stdout, 'pending\n')
  assert.match(c.stderr, /still 'pending' after 150 ms/)
  const bad = await runCli(['run', 'wait', pending, '--timeout', '-1'])
  assert.equal(bad.code, 2)
})

test('wbx upload streams files to a run and prints their metadata; refusals exit non-zero', async () => {
  const path = seed('up1')
  const dir = mkdtempSync(join(tmpdir(), 'wbx-cli-upload-'))
  try {
    writeFileSync(join(dir, 'a.txt'), 'alpha\n')
    writeFileSync(join(dir, 'b.json'), '{"b": 1}\n')
    const r = await runCli(['upload', path, join(dir, 'a.txt'), join(dir, 'b.json'), '--root', dir])
    assert.equal(r.code, 0, r.stderr)
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l))
    assert.deepEqual(lines.map((l) => [l.name, l.size_bytes]), [['a.txt', 6], ['b.json', 9]])
    assert.equal(
      new TextDecoder().decode(server.store.run(E, P, 'up1')!.files.get('b.json')!.bytes),
      '{"b": 1}\n',
    )
    const outside = await runCli(['upload', path, join(dir, 'a.txt'), '--root', join(dir, 'sub')])
    assert.equal(outside.code, 1)
    assert.match(outside.stderr, /not inside the root folder/)
    const missing = await runCli(['upload', path, join(dir, 'nope.txt'), '--root', dir])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /no such file/)
    const noFiles = await runCli(['upload', path])
    assert.equal(noFiles.code, 2)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
