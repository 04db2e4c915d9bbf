/**
 * followRecords on a file that grows: SDK-written logs copied in uneven slices (cutting chunks
 * and records in half), a writer that stops mid-record, idle timeouts, cancellation and abort.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs'
import { appendFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type FollowEnd, FollowIdleError, followRecords } from '../../src/local/follow_log.ts'
import { readRecords } from '../../src/local/read_records.ts'
import { emptyDamageReport } from '../../src/local/damage_report.ts'
import type { WandbRecord } from '../../src/local/record_types.ts'

const runs = fileURLToPath(new URL('../fixtures/runs/wandb/', import.meta.url))
const large = join(runs, 'offline-run-20261128_072707-wbxlarge/run-wbxlarge.wandb')
const killed = join(runs, 'offline-run-20261128_072640-wbxkilled/run-wbxkilled.wandb')

async function collect(stream: ReadableStream<WandbRecord[]>): Promise<WandbRecord[]> {
  const out: WandbRecord[] = []
  for await (const batch of stream) out.push(...batch)
  return out
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Appends `bytes` to `path` in slices of varying sizes with pauses, like a writer flushing. */
async function grow(path: string, bytes: Uint8Array, slices: number[], pauseMs: number) {
  let at = 0
  let i = 0
  while (at < bytes.length) {
    const n = Math.min(slices[i++ % slices.length], bytes.length - at)
    await appendFile(path, bytes.subarray(at, at + n))
    at += n
    await sleep(pauseMs)
  }
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'wbx-follow-'))
}

describe('followRecords', () => {
  it('reads a log appended in slices that cut chunks and records exactly as a full read, ending at the exit record', async () => {
    const dir = tempDir()
    try {
      const bytes = readFileSync(large)
      const expected = await collect(readRecords(large))
      const path = join(dir, 'run.wandb')
      await writeFile(path, bytes.subarray(0, 3))
      let end: FollowEnd | undefined
      const report = emptyDamageReport(path)
      const followed = collect(
        followRecords(path, { pollIntervalMs: 20, report, onEnd: (e) => (end = e) }),
      )
      // Odd slice sizes land inside chunk headers, payloads and block trailers.
      await grow(path, bytes.subarray(3), [4093, 32768, 17, 65536 + 5, 999], 5)
      const got = await followed
      assert.equal(got.length, expected.length)
      assert.deepEqual(got.map((r) => r.num), expected.map((r) => r.num))
      assert.deepEqual(got, expected)
      assert.equal(end?.state, 'finished')
      assert.equal(end?.exitCode, 0)
      assert.equal(end?.bytes, bytes.length)
      assert.equal(report.truncatedTail, false)
      assert.deepEqual(report.lostRanges, [])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('waits on a partial record at the end of a growing file instead of calling it damage', async () => {
    const dir = tempDir()
    try {
      const bytes = readFileSync(large)
      const path = join(dir, 'run.wandb')
      // Stop inside the second block, mid-record, then finish after a pause.
      await writeFile(path, bytes.subarray(0, 40_000))
      const report = emptyDamageReport(path)
      const reader = followRecords(path, { pollIntervalMs: 20, report }).getReader()
      const first = await reader.read()
      assert.ok(first.value && first.value.length > 0)
      await sleep(150)
      assert.deepEqual(report.lostRanges, [], 'a cut tail while growing is not damage')
      await appendFile(path, bytes.subarray(40_000))
      let n = first.value!.length
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        n += value.length
      }
      assert.equal(n, (await collect(readRecords(large))).length)
      assert.deepEqual(report.lostRanges, [])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('ends a file that stopped growing without an exit record as crashed, reporting the cut tail', async () => {
    const dir = tempDir()
    try {
      const bytes = readFileSync(large)
      const path = join(dir, 'run.wandb')
      await writeFile(path, bytes.subarray(0, 100_003))
      const report = emptyDamageReport(path)
      let end: FollowEnd | undefined
      const got = await collect(followRecords(path, {
        pollIntervalMs: 20,
        crashedAfterMs: 200,
        report,
        onEnd: (e) => (end = e),
      }))
      const full = await collect(readRecords(path))
      assert.deepEqual(got, full, 'every intact record before the cut')
      assert.equal(end?.state, 'crashed')
      assert.equal(end?.exitCode, null)
      assert.equal(report.truncatedTail, true)
      assert.equal(report.lostRanges.at(-1)?.reason, 'truncated tail')
      assert.equal(report.lostRanges.at(-1)?.end, 100_003)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('ends at once on a file that stopped growing long ago (the SDK-killed fixture)', async () => {
    const dir = tempDir()
    try {
      const path = join(dir, 'run.wandb')
      copyFileSync(killed, path)
      const hourAgo = new Date(Date.now() - 3600_000)
      utimesSync(path, hourAgo, hourAgo)
      let end: FollowEnd | undefined
      const started = Date.now()
      const got = await collect(followRecords(path, {
        pollIntervalMs: 20,
        crashedAfterMs: 60_000,
        onEnd: (e) => (end = e),
      }))
      assert.ok(Date.now() - started < 30_000, 'no waiting for a file last written an hour ago')
      assert.deepEqual(got, await collect(readRecords(killed)))
      assert.equal(end?.state, 'crashed')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('errors with FollowIdleError naming what was last seen after the idle timeout', async () => {
    const dir = tempDir()
    try {
      const bytes = readFileSync(large)
      const path = join(dir, 'run.wandb')
      await writeFile(path, bytes.subarray(0, 70_000))
      const reader = followRecords(path, {
        pollIntervalMs: 20,
        idleTimeoutMs: 300,
        lastSeen: () => 'history step 41',
      }).getReader()
      let rows = 0
      const err = await (async () => {
        try {
          for (;;) {
            const { done, value } = await reader.read()
            if (done) return undefined
            rows += value.length
          }
        } catch (e) {
          return e
        }
      })()
      assert.ok(rows > 0)
      assert.ok(err instanceof FollowIdleError)
      assert.match(err.message, /looks stalled: nothing new for 0 s/)
      assert.match(err.message, /last seen: history step 41 \(70000 bytes\)/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('stops on cancel() and on abort while waiting for data', async () => {
    const dir = tempDir()
    try {
      const path = join(dir, 'run.wandb')
      await writeFile(path, readFileSync(large).subarray(0, 50_000))
      const reader = followRecords(path, { pollIntervalMs: 20 }).getReader()
      await reader.read()
      const pending = reader.read()
      await sleep(50)
      await reader.cancel()
      assert.equal((await pending).done, true)

      const controller = new AbortController()
      const reader2 = followRecords(path, { pollIntervalMs: 10_000, signal: controller.signal })
        .getReader()
      await reader2.read()
      const waiting = reader2.read()
      setTimeout(() => controller.abort(new Error('stop following')), 50)
      await assert.rejects(waiting, /stop following/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
