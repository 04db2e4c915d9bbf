/**
 * The small hostile-folder cases: a FIFO named like a `.wandb` file, an empty `.wandb` file, and
 * the temporary files a `kill -9` leaves behind (removed on the next run, only wbx's own names,
 * never through a link).
 */
import process from 'node:process'
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ownFixturesDir } from '../_fixtures.ts'
import { runCli } from '../cli/_run_cli.ts'

const WANDB = join(ownFixturesDir, 'runs', 'wandb')
const SCALARS = join(WANDB, 'offline-run-20261128_072627-wbxscalars')
/** A pid no process has (above Linux's largest pid, 2^22). */
const DEAD = 4_194_999
const NO_FIFO = process.platform === 'win32'
  ? 'Windows has no named pipes in the file system'
  : false

function scratch(label: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `wbx-small-${label}-`))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Runs a CLI command, failing the test instead of hanging when it does not finish in 20 s. */
async function runBounded(argv: string[]) {
  let timer: ReturnType<typeof setTimeout> | undefined
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`wbx ${argv.join(' ')} hung`)), 20_000)
  })
  try {
    return await Promise.race([runCli(argv), hang])
  } finally {
    clearTimeout(timer)
  }
}

test('a FIFO named x.wandb gets a clear error naming it, not ENOTDIR, and no hang', {
  skip: NO_FIFO,
}, async () => {
  const s = scratch('fifo')
  try {
    const fifo = join(s.dir, 'x.wandb')
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0)
    const r = await runBounded(['history', fifo])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /x\.wandb: it is a FIFO \(named pipe\), not a regular file/)
    assert.doesNotMatch(r.stderr, /ENOTDIR/)
    // Inside a run folder (where the folder is resolved first) the log is refused the same way.
    const folder = join(s.dir, 'run-20260101_000000-abc')
    mkdirSync(folder)
    assert.equal(spawnSync('mkfifo', [join(folder, 'run-abc.wandb')]).status, 0)
    const inFolder = await runBounded(['summary', folder])
    assert.equal(inFolder.code, 1)
    assert.match(inFolder.stderr, /run-abc\.wandb: it is a FIFO \(named pipe\), not a regular file/)
  } finally {
    s.cleanup()
  }
})

test('an empty (0-byte) .wandb file is an error (exit 1) that says so, not a silent exit 0', async () => {
  const s = scratch('empty')
  try {
    const empty = join(s.dir, 'run-emp.wandb')
    writeFileSync(empty, '')
    for (const command of ['history', 'summary']) {
      const r = await runCli([command, empty])
      assert.equal(r.code, 1, command)
      assert.equal(r.stdout, '')
      assert.match(
        r.stderr,
        /run-emp\.wandb: the file is empty \(0 bytes\) and holds no run records/,
      )
    }
  } finally {
    s.cleanup()
  }
})

test('a rerun of -o removes the temporary files a killed wbx left, and nothing else', async () => {
  const s = scratch('leftovers')
  try {
    const outside = join(s.dir, 'outside.txt')
    writeFileSync(outside, 'keep')
    const out = join(s.dir, 'out')
    mkdirSync(out)
    const stale = [
      `.wbx-out-${DEAD}-0123456789ab.tmp`,
      `.wbx-parquet-${DEAD}-0123456789ab.tmp`,
      '.wbx-csv-0123456789abcdef.tmp', // an older wbx's name: removed once an hour old
    ]
    const kept = [`.wbx-out-${process.pid}-0123456789ab.tmp`, 'notes.tmp', 'model.part']
    for (const name of [...stale, ...kept]) writeFileSync(join(out, name), 'x')
    const old = new Date(Date.now() - 2 * 3600_000)
    utimesSync(join(out, stale[2]), old, old)
    const link = `.wbx-ndjson-${DEAD}-0123456789ab.tmp`
    symlinkSync(outside, join(out, link))
    const r = await runCli(['history', SCALARS, '-o', join(out, 'h.parquet')])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(readdirSync(out).sort(), [...kept, link, 'h.parquet'].sort())
    assert.equal(readFileSync(outside, 'utf8'), 'keep')
  } finally {
    s.cleanup()
  }
})

test('a rerun of a bulk export removes the temporary files a killed export left', async () => {
  const s = scratch('bulk-leftovers')
  try {
    const out = join(s.dir, 'out')
    const first = await runCli(['export', WANDB, '--out', out, '--runs', 'wbxscalars'])
    assert.equal(first.code, 0, first.stderr)
    // wbxnested was being written when the export was killed: its part is a temporary file.
    const part = join(out, 'history', 'run_id=wbxnested')
    mkdirSync(part, { recursive: true })
    const leftovers = [
      join(out, `.wbx-manifest.json.${DEAD}-0123456789ab.wbx-tmp`),
      join(out, '.wbx-manifest.json.wbx-tmp'), // an older wbx's fixed name
      join(part, `.part-00000.parquet.${DEAD}-0123456789ab.wbx-tmp`),
    ]
    // A table's spool file, which lives in the OS temp folder.
    const spool = join(tmpdir(), `.wbx-parquet-${DEAD}-${randomBytes(6).toString('hex')}.tmp`)
    leftovers.push(spool)
    for (const file of leftovers) writeFileSync(file, 'half written')
    const old = new Date(Date.now() - 2 * 3600_000)
    utimesSync(leftovers[1], old, old)
    const again = await runCli(['export', WANDB, '--out', out, '--runs', 'wbxscalars,wbxnested'])
    assert.equal(again.code, 0, again.stderr)
    assert.deepEqual(readdirSync(out).filter((n) => n.includes('tmp')), [])
    assert.deepEqual(readdirSync(part), ['part-00000.parquet'])
    assert.equal(existsSync(spool), false, 'the spool file in the OS temp folder is removed')
  } finally {
    s.cleanup()
  }
})
