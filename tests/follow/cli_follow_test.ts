/**
 * `wbx history wandb/latest-run -f` as a user runs it: a real `wbx` process whose stdout is a
 * pipe, while the official SDK logs offline. Rows reach the pipe while the run is going, the
 * link's run is followed even after `latest-run` moves to a newer run, the output equals a full
 * read, and the process ends by itself when the run finishes. Also: Parquet written while
 * following is a valid file with one row group per flush, and CSV flushes batch by batch.
 */
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs'
import process from 'node:process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parquetMetadata, parquetReadObjects } from 'hyparquet'
import { skipWithoutWandbPython, wandbPython } from '../_python.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { runtimeName } from '../../src/runtime.ts'
import { parseJson } from '../../src/json/parse_json.ts'
import { runCli } from '../cli/_run_cli.ts'
import { startWriter, stopWriter, type Writer } from './_sdk_writer.ts'

const cliPath = fileURLToPath(new URL('../../cli.ts', import.meta.url))
const skip = skipWithoutWandbPython ||
  // The CLI runs as its .ts sources: Node strips types from 22.18 (and in every Node 24).
  (runtimeName === 'node' && !(process.features as { typescript?: string | false }).typescript
    ? 'spawns the TypeScript CLI: this Node does not run .ts files (use Node 24, or 22.18+)'
    : false)

const duckdbScript = fileURLToPath(new URL('../../docs/follow_to_duckdb.py', import.meta.url))
const skipDuckdb = skip ||
  (spawnSync(wandbPython!, ['-c', 'import duckdb']).status === 0
    ? false
    : 'the duckdb Python package is missing (pip install -r tests/requirements.txt)')

const dirs: string[] = []
const writers: Writer[] = []
const servers: TestServer[] = []
after(async () => {
  for (const w of writers) stopWriter(w)
  for (const s of servers) await s.stop()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

/** Spawns `wbx args…` with stdout on a pipe, noting when each stdout line arrived. */
function wbx(args: string[], cwd: string, env: Record<string, string> = {}) {
  const runtimeArgs = runtimeName === 'deno' ? ['run', '-A', cliPath] : [cliPath]
  const child = spawn(process.execPath, [...runtimeArgs, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: { text: string; at: number }[] = []
  let pending = ''
  let stderr = ''
  child.stdout!.setEncoding('utf8')
  child.stdout!.on('data', (t: string) => {
    pending += t
    let nl
    while ((nl = pending.indexOf('\n')) >= 0) {
      lines.push({ text: pending.slice(0, nl), at: Date.now() / 1000 })
      pending = pending.slice(nl + 1)
    }
  })
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (t: string) => (stderr += t))
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, lines, done, stderr: () => stderr }
}

describe('wbx -f against a run the SDK is logging', { skip }, () => {
  it('history wandb/latest-run -f streams rows through a pipe while the run logs and exits when it ends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wbx-follow-cli-'))
    dirs.push(dir)
    const writer = startWriter({ mode: 'offline', id: 'clirun', steps: 30, sleepS: 0.15, dir })
    writers.push(writer)
    const folder = realpathSync(await writer.folder)
    const proc = wbx(['history', 'wandb/latest-run', '-f'], dir)
    // A newer run takes over latest-run while the first one is followed.
    while (proc.lines.length === 0 && proc.child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 50))
    }
    const newer = startWriter({ mode: 'offline', id: 'newer', steps: 3, sleepS: 0, dir })
    writers.push(newer)
    const [code, writerExit, newerExit] = await Promise.all([
      proc.done,
      writer.done,
      newer.done,
    ])
    assert.equal(writerExit.code, 0)
    assert.equal(newerExit.code, 0)
    assert.equal(code, 0, proc.stderr())
    assert.match(proc.stderr(), /the run finished \(exit code 0\); followed to its end/)
    assert.notEqual(realpathSync(join(dir, 'wandb/latest-run')), folder, 'the link moved on')
    const full = await runCli(['history', folder])
    assert.equal(full.code, 0, full.stderr)
    assert.equal(proc.lines.map((l) => l.text).join('\n') + '\n', full.stdout)
    // Rows left the pipe soon after run.log returned, not at the end of the run.
    const latencies = proc.lines.map((l) => {
      const step = (parseJson(l.text) as { _step: number })._step
      const logged = writer.logged.find(([s]) => s === step)!
      return l.at - logged[1]
    }).sort((a, b) => a - b)
    const median = latencies[Math.floor(latencies.length / 2)]
    assert.ok(median < 2, `median latency ${median.toFixed(2)} s (flush 0.2 s + poll)`)
    const end = writer.logged[writer.logged.length - 1][1]
    assert.ok(proc.lines[0].at < end, 'the first row came before the run ended')
  })

  it('Parquet while following: a valid file at the end with one row group per flush; CSV per batch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wbx-follow-cli-'))
    dirs.push(dir)
    // About 10 s of logging: rows still arrive over several flush intervals after a slow start
    // of wbx (Node strips the types of every module first; a busy machine adds seconds).
    const writer = startWriter({ mode: 'offline', id: 'pqrun', steps: 24, sleepS: 0.4, dir })
    writers.push(writer)
    const folder = await writer.folder
    const out = join(dir, 'followed.parquet')
    const pq = wbx(['history', folder, '-f', '-o', out, '--flush-interval', '1'], dir)
    const csv = wbx(['history', folder, '-f', '--format', 'csv'], dir)
    const [pqCode, csvCode] = await Promise.all([pq.done, csv.done, writer.done])
    assert.equal(pqCode, 0, pq.stderr())
    assert.equal(csvCode, 0, csv.stderr())
    const bytes = readFileSync(out)
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
    const meta = parquetMetadata(file)
    assert.ok(meta.row_groups.length > 1, `${meta.row_groups.length} row groups`)
    const rows = await parquetReadObjects({ file })
    assert.deepEqual(rows.map((r) => Number(r._step)), Array.from({ length: 24 }, (_, i) => i))
    const full = await runCli(['history', folder, '--format', 'csv'])
    assert.equal(csv.lines.map((l) => l.text).join('\n') + '\n', full.stdout)
    assert.ok(csv.lines[1].at < writer.logged[writer.logged.length - 1][1], 'CSV rows came early')
  })

  it(
    'the docs pipeline: wbx history <running run> -f | python follow_to_duckdb.py mirrors every row once',
    {
      skip: skipDuckdb,
    },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'wbx-follow-duck-'))
      dirs.push(dir)
      const server = await startTestServer()
      servers.push(server)
      const writer = startWriter({
        mode: 'online',
        id: 'duckrun',
        steps: 25,
        sleepS: 0.15,
        dir,
        server,
      })
      writers.push(writer)
      await writer.folder
      const env = { WANDB_BASE_URL: server.baseUrl, WANDB_API_KEY: server.apiKey }
      const db = join(dir, 'runs.duckdb')
      const runtimeArgs = runtimeName === 'deno' ? ['run', '-A', cliPath] : [cliPath]
      const producer = spawn(
        process.execPath,
        [...runtimeArgs, 'history', 'test-entity/follow/duckrun', '-f'],
        { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
      )
      const consumer = spawn(wandbPython!, [duckdbScript, db, 'duckrun'], {
        stdio: ['pipe', 'ignore', 'pipe'],
      })
      producer.stdout!.pipe(consumer.stdin!)
      let errors = ''
      producer.stderr!.on('data', (d) => (errors += d))
      consumer.stderr!.on('data', (d) => (errors += d))
      const exited = (p: ChildProcess) => new Promise((r) => p.on('exit', (code) => r(code)))
      const [wbxCode, pyCode] = await Promise.all([exited(producer), exited(consumer), writer.done])
      assert.equal(wbxCode, 0, errors)
      assert.equal(pyCode, 0, errors)
      const query = spawnSync(wandbPython!, [
        '-c',
        'import duckdb,sys; print(duckdb.connect(sys.argv[1]).execute("select count(*), count(distinct step), min(step), max(step) from history").fetchone())',
        db,
      ], { encoding: 'utf8' })
      assert.equal(query.stdout.trim(), '(25, 25, 0, 24)', query.stderr)
    },
  )
})
