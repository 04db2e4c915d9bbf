import { test } from 'node:test'
import assert from 'node:assert/strict'
import { rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  logStats,
  openSegments,
  orderByStart,
  readMetadataFile,
} from '../../src/local/run_segments.ts'
import { resumedRun } from './_resumed_run.ts'

test('openSegments orders a resumed run by start time, not by folder name', async () => {
  const run = await resumedRun()
  try {
    for (
      const segments of [
        await openSegments(run.wandbDir, { id: 'res01' }),
        await openSegments(run.wandbDir), // the folder's only run id
      ]
    ) {
      assert.deepEqual(segments.map((s) => s.folder), [run.first, run.second])
      const info = await stat(join(run.first, 'run-res01.wandb'))
      assert.equal(segments[0].sizeBytes, info.size)
      assert.equal(segments[0].modifiedAt, new Date(info.mtimeMs).toISOString())
      assert.equal(segments[0].startedAt, null)
      assert.deepEqual(segments[0].damage.lostRanges, [])
      assert.equal(segments[0].damage.file, segments[0].wandbFile)
    }
    const one = await openSegments(run.second)
    assert.deepEqual(one.map((s) => s.folder), [run.second])
    assert.deepEqual(await logStats(one[0]), {
      size: one[0].sizeBytes,
      mtimeMs: (await stat(one[0].wandbFile)).mtimeMs,
    })
    const reversed = await orderByStart([one[0], (await openSegments(run.first))[0]])
    assert.deepEqual(reversed.map((f) => f.folder), [run.first, run.second])
  } finally {
    await rm(run.root, { recursive: true, force: true })
  }
})

test('openSegments names the id it cannot find and the ids there are', async () => {
  const run = await resumedRun()
  try {
    await assert.rejects(openSegments(run.wandbDir, { id: 'nope' }), {
      message:
        `Cannot open run "nope" in ${run.wandbDir}: no run folder has that id; ids there: res01`,
    })
  } finally {
    await rm(run.root, { recursive: true, force: true })
  }
})

test('readMetadataFile reads the last folder with a valid wandb-metadata.json', async () => {
  const run = await resumedRun()
  try {
    const segments = await openSegments(run.wandbDir, { id: 'res01' })
    assert.equal(await readMetadataFile(segments), null)
    await writeFile(join(run.first, 'files', 'wandb-metadata.json'), '{"host": "a", "gpu": NaN}')
    await writeFile(join(run.second, 'files', 'wandb-metadata.json'), '{"host": "b"')
    const meta = await readMetadataFile(segments)
    assert.equal(meta?.host, 'a')
    assert.ok(Number.isNaN(meta?.gpu))
    await writeFile(join(run.second, 'files', 'wandb-metadata.json'), '{"host": "b"}')
    assert.deepEqual(await readMetadataFile(segments), { host: 'b' })
    await writeFile(join(run.second, 'files', 'wandb-metadata.json'), '["not", "an object"]')
    assert.equal((await readMetadataFile(segments))?.host, 'a')
  } finally {
    await rm(run.root, { recursive: true, force: true })
  }
})
