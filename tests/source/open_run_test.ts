import process from 'node:process'
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LocalRun } from '../../src/local/local_run.ts'
import {
  looksRemote,
  openRunReader,
  registerRunOpener,
  runSourceKind,
} from '../../src/source/open_run.ts'
import { memoryReader } from './_memory_reader.ts'

test('runSourceKind: an existing path is local, a run path or URL is remote', () => {
  assert.equal(runSourceKind('samples/wandb/latest-run'), 'local')
  assert.equal(runSourceKind('team/proj/abc123'), 'remote')
  assert.equal(runSourceKind('https://wandb.ai/team/proj/runs/abc123'), 'remote')
  assert.ok(looksRemote('team/proj/runs/abc123'))
  assert.ok(!looksRemote('just-a-name'))
})

test('a bare id without WANDB_PROJECT is refused, saying how to name a remote run', () => {
  const saved = process.env.WANDB_PROJECT
  delete process.env.WANDB_PROJECT
  try {
    assert.throws(
      () => runSourceKind('abc123'),
      /Cannot open run "abc123": no such file or folder; for a run on W&B pass entity\/project\/run_id/,
    )
    assert.throws(
      () => runSourceKind('no/such.folder'),
      /^Error: Cannot open run "no\/such.folder": no such file or folder$/,
    )
  } finally {
    if (saved !== undefined) process.env.WANDB_PROJECT = saved
  }
})

test('openRunReader opens a local folder as a LocalRun, minimal pass when asked', async () => {
  const full = await openRunReader('samples/wandb/latest-run')
  assert.ok(full instanceof LocalRun)
  assert.equal(await full.readLastHistoryStep(), 299)
  const minimal = await openRunReader('samples/wandb/latest-run', { metadata: 'minimal' })
  assert.equal((minimal as LocalRun).metadataPass, 'minimal')
})

test('openRunReader refuses a log of empty files unless it will be followed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-empty-'))
  const file = join(dir, 'run-empty1.wandb')
  writeFileSync(file, '')
  await assert.rejects(
    openRunReader(file),
    /the file is empty \(0 bytes\) and holds no run records/,
  )
})

test('strict is refused for a remote run before any request', async () => {
  await assert.rejects(
    openRunReader('team/proj/abc123', { strict: true }),
    /strict applies to local .wandb files/,
  )
})

test('a registered opener claims its sources first and unregisters cleanly', async () => {
  const reader = memoryReader('mem1', [{ _step: 0, a: 1 }], { a: 1 })
  const unregister = registerRunOpener({
    name: 'memory',
    canOpen: (source) => source.startsWith('memory:'),
    open: () => Promise.resolve(reader),
  })
  try {
    assert.equal(await openRunReader('memory:x'), reader)
    assert.equal((runSourceKind('memory:x') as { name: string }).name, 'memory')
  } finally {
    unregister()
  }
  assert.throws(() => runSourceKind('memory:x'), /Cannot open run "memory:x"/)
})
