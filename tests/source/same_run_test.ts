/**
 * Every CLI read command on one run, read as a local folder and served by the test server:
 * identical output wherever the data are the same. The fields that legitimately differ are
 * excluded by name, each with its reason. Also a third, in-memory source that the same CLI and
 * the library's export read through RunReader unchanged.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../cli/_run_cli.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { ownFixturesDir } from '../_fixtures.ts'
import { LocalRun } from '../../src/local/local_run.ts'
import { collect } from '../../src/streams/paged_stream.ts'
import { exportToPath } from '../../src/export/write_to_path.ts'
import { openRunReader, registerRunOpener } from '../../src/source/open_run.ts'
import { memoryReader } from './_memory_reader.ts'
import { setEnv } from '../_env.ts'

const SAMPLE = 'samples/wandb/latest-run'
const REMOTE = 'demo-team/wbx-demo/wbxdemo1'
const ARTIFACTS = join(ownFixturesDir, 'runs/wandb/offline-run-20261128_072704-wbxartifacts')
let server: TestServer
let remoteArtifacts = ''
let restoreEnv = () => {}

before(async () => {
  server = await startTestServer()
  await server.addLocalRun(SAMPLE, { entity: 'demo-team' })
  const record = await server.addLocalRun(ARTIFACTS, { entity: 'demo-team' })
  remoteArtifacts = `demo-team/${record.project.name}/wbxartifacts`
  restoreEnv = setEnv({ WANDB_BASE_URL: server.baseUrl, WANDB_API_KEY: server.apiKey })
})

after(async () => {
  restoreEnv()
  await server.stop()
})

/** Runs one command on the local folder and on the served run; both must succeed. */
async function both(command: string, args: string[] = [], local = SAMPLE, remote = REMOTE) {
  const l = await runCli([command, local, ...args])
  assert.equal(l.code, 0, `local ${command}: ${l.stderr}`)
  const r = await runCli([command, remote, ...args])
  assert.equal(r.code, 0, `remote ${command}: ${r.stderr}`)
  return { local: l, remote: r }
}

function ndjson(text: string): Record<string, unknown>[] {
  return text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))
}

/** A row with its keys in sorted order (the server orders a row's columns its own way). */
function sorted(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(row).sort().map((k) => [k, row[k]]))
}

test('history: the same rows, and the same --keys selection with a never-logged key', async () => {
  const all = await both('history', ['--format', 'ndjson'])
  const localRows = ndjson(all.local.stdout)
  assert.equal(localRows.length, 300)
  // The server's rows hold the same keys and values; only the order of a row's keys differs.
  assert.deepEqual(ndjson(all.remote.stdout).map(sorted), localRows.map(sorted))
  const keys = await both('history', ['--keys', 'val/loss,nope', '--format', 'csv'])
  assert.equal(keys.remote.stdout, keys.local.stdout)
  assert.equal(keys.local.stdout.trim().split('\n').length, 7) // val/loss: every 50th step
  assert.match(keys.local.stderr, /keys never logged in this run: nope/)
  assert.equal(keys.remote.stderr, keys.local.stderr)
})

test('system, summary, config, config --raw and logs: identical output', async () => {
  for (
    const [command, args] of [
      ['system', ['--format', 'ndjson']],
      ['summary', ['--json']],
      ['config', []],
      ['config', ['--raw']],
      ['logs', []],
    ] as const
  ) {
    const out = await both(command, [...args])
    assert.ok(out.local.stdout.length > 0, command)
    assert.equal(out.remote.stdout, out.local.stdout, `${command} ${args.join(' ')}`)
  }
})

test('info: the same keys from both sources, and the attributes both know are identical', async () => {
  const out = await both('info', ['--json'])
  const local = JSON.parse(out.local.stdout)
  const remote = JSON.parse(out.remote.stdout)
  assert.deepEqual(Object.keys(remote), Object.keys(local))
  // Excluded, with the reason:
  // - entity, path: the sample is an offline run (no entity in its log); the server files it under demo-team;
  // - created_at, heartbeat_at: the W&B API writes naive UTC (no `Z`), a local log an ISO instant;
  // - history_keys: the same keys, the server lists `_step` first (compared sorted below);
  // - the keys one source leaves null (a local log's host and writer; a server's URL and user).
  const excluded = new Set(['entity', 'path', 'created_at', 'heartbeat_at', 'history_keys'])
  const shared = Object.keys(local).filter((k) =>
    !excluded.has(k) && local[k] !== null && remote[k] !== null
  )
  assert.deepEqual(shared, [
    'id',
    'name',
    'display_name',
    'project',
    'state',
    'tags',
    'notes',
    'last_history_step',
    'history_line_count',
  ])
  for (const key of shared) assert.deepEqual(remote[key], local[key], key)
  assert.equal(`${remote.created_at}Z`, local.created_at)
  assert.deepEqual([...remote.history_keys].sort(), [...local.history_keys].sort())
})

test('files: the same files with the same names, sizes and types', async () => {
  const out = await both('files', ['--format', 'ndjson'])
  // updated_at is the local file's mtime but the upload time on a server; the other columns are
  // each source's own (a local path and presence; a server's id, URLs and MD5): null on the other.
  const pick = (rows: Record<string, unknown>[]) =>
    rows.map(({ name, size_bytes, mimetype }) => ({ name, size_bytes, mimetype }))
  const local = pick(ndjson(out.local.stdout))
  assert.equal(local.length, 2)
  assert.ok(local.every((f) => typeof f.size_bytes === 'number' && f.size_bytes > 0))
  assert.deepEqual(pick(ndjson(out.remote.stdout)), local)
})

test('artifacts: the same artifacts logged, with the same types, aliases and descriptions', async () => {
  const out = await both('artifacts', ['--format', 'ndjson'], ARTIFACTS, remoteArtifacts)
  // Excluded, with the reason: a server names a version (`wbx-dataset:v0`, the SDK's
  // Artifact.name) that an offline log does not know yet; the fixture's staged artifact files
  // (the manifest's localPath, in the SDK's cache) are not in the repository, so the test server
  // holds these artifacts without files: digest, size, file_count and --entries differ for that
  // reason alone and are not compared.
  const pick = (rows: Record<string, unknown>[]) =>
    rows.map((a) => ({
      direction: a.direction,
      name: String(a.name).replace(/:v\d+$/, ''),
      type: a.type,
      aliases: [...a.aliases as string[]].sort(),
      description: a.description || null,
    }))
  const local = pick(ndjson(out.local.stdout))
  assert.equal(local.length, 2)
  assert.deepEqual(pick(ndjson(out.remote.stdout)), local)
})

test('a third, in-memory source: wbx history, summary, info and the library export read it unchanged', async () => {
  const run = await LocalRun.open(SAMPLE)
  const reader = memoryReader(run.id, await collect(run.scanHistory()), run.summary)
  const unregister = registerRunOpener({
    name: 'memory',
    canOpen: (source) => source === 'memory:demo',
    open: () => Promise.resolve(reader),
  })
  try {
    for (const args of [['--format', 'ndjson'], ['--keys', 'val/loss,nope', '--format', 'csv']]) {
      const local = await runCli(['history', SAMPLE, ...args])
      const memory = await runCli(['history', 'memory:demo', ...args])
      assert.equal(memory.code, 0, memory.stderr)
      assert.equal(memory.stdout, local.stdout, args.join(' '))
      assert.equal(memory.stderr, local.stderr)
    }
    const summary = await runCli(['summary', 'memory:demo', '--json'])
    assert.equal(summary.stdout, (await runCli(['summary', SAMPLE, '--json'])).stdout)
    const info = JSON.parse((await runCli(['info', 'memory:demo', '--json'])).stdout)
    assert.equal(info.last_history_step, 299)
    assert.equal(info.history_line_count, 300)
    // The library: open by name, export through the one interface.
    const opened = await openRunReader('memory:demo')
    const path = join(mkdtempSync(join(tmpdir(), 'wbx-reader-')), 'history.ndjson')
    await exportToPath(opened.scanHistory({ keys: ['lr'] }), path)
    assert.equal(readFileSync(path, 'utf8').trim().split('\n').length, 300)
  } finally {
    unregister()
  }
  assert.equal((await runCli(['history', 'memory:demo'])).code, 1)
})
