/**
 * A run opened before its writer wrote the run record (its start time): a followed system-metrics
 * scan learns the clock from the records it reads, so `_runtime` is there as in a full read. (The
 * SDK-driven follow test met this as a race: the folder appears before the first flush.)
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { appendFile, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LocalRun } from '../../src/local/local_run.ts'
import { drain } from './_run_helpers.ts'

const fixture = fileURLToPath(
  new URL('../fixtures/runs/wandb/offline-run-20261128_072656-wbxsystem/', import.meta.url),
)
const LOG = 'run-wbxsystem.wandb'
const HEADER_BYTES = 7 // ":W&B" + a 2-byte magic + the version byte: no record yet

test('following system metrics of a run opened before its run record keeps _runtime', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wbx-follow-clock-'))
  try {
    const folder = join(dir, 'offline-run-20261128_072656-wbxsystem')
    await cp(fixture, folder, { recursive: true })
    const path = join(folder, LOG)
    const bytes = await readFile(path)
    await writeFile(path, bytes.subarray(0, HEADER_BYTES))
    const run = await LocalRun.open(folder, { metadata: 'minimal' })
    const followed = drain(run.scanSystemMetrics({ follow: true, pollIntervalMs: 20 }))
    for (let at = HEADER_BYTES; at < bytes.length; at += 4096) {
      await appendFile(path, bytes.subarray(at, Math.min(bytes.length, at + 4096)))
      await new Promise((r) => setTimeout(r, 5))
    }
    const rows = await followed
    const full = await drain((await LocalRun.open(folder)).scanSystemMetrics())
    assert.equal(rows.length, 7)
    assert.ok(rows.every((row) => typeof row._runtime === 'number'), 'every row has _runtime')
    assert.deepEqual(rows, full)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
