/** FileWaker: a file-change notification wakes the reader at once; the poll interval bounds the wait; abort stops it. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { appendFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FileWaker } from '../../src/local/file_waker.ts'

test('FileWaker wakes on an append well before its poll interval, else after it, and rejects on abort', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-waker-'))
  const path = join(dir, 'run.wandb')
  writeFileSync(path, 'x')
  const waker = new FileWaker(path, 3000)
  try {
    waker.start()
    let t = Date.now()
    setTimeout(() => appendFile(path, 'more'), 50)
    await waker.wait(3000)
    assert.ok(Date.now() - t < 2000, `woke after ${Date.now() - t} ms (fs.watch)`)

    // One append can raise several notifications; a spare wake-up only costs a stat.
    await new Promise((r) => setTimeout(r, 100))
    await waker.wait(1)
    t = Date.now()
    await waker.wait(150)
    assert.ok(Date.now() - t >= 140, 'waited out the shorter bound with no change')

    const controller = new AbortController()
    setTimeout(() => controller.abort(new Error('stop')), 50)
    await assert.rejects(waker.wait(3000, controller.signal), /stop/)
  } finally {
    waker.close()
    rmSync(dir, { recursive: true, force: true })
  }
})
