import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { removeUnrecorded } from '../../src/bulk/sweep.ts'

test('removeUnrecorded deletes only unrecorded files under the run folder', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wbx-sweep-'))
  try {
    await mkdir(join(dir, 'history/run1/sub'), { recursive: true })
    await mkdir(join(dir, 'history/run2'), { recursive: true })
    for (
      const f of ['history/run1/part-0.csv', 'history/run1/part-1.csv', 'history/run1/sub/x.tmp']
    ) {
      await writeFile(join(dir, f), 'x')
    }
    await writeFile(join(dir, 'history/run2/part-0.csv'), 'other shard')
    const keep = new Set(['history/run1/part-0.csv'])
    const removed = await removeUnrecorded(dir, 'history/run1', keep)
    assert.deepEqual(removed, ['history/run1/part-1.csv', 'history/run1/sub/x.tmp'])
    assert.deepEqual((await readdir(join(dir, 'history/run1'))).sort(), ['part-0.csv', 'sub'])
    assert.deepEqual(await readdir(join(dir, 'history/run2')), ['part-0.csv'])
    assert.deepEqual(await removeUnrecorded(dir, 'history/missing', keep), [])
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('removeUnrecorded removes a link itself, never its target, and refuses a linked folder', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wbx-sweep-'))
  const outside = await mkdtemp(join(tmpdir(), 'wbx-sweep-out-'))
  try {
    await writeFile(join(outside, 'precious'), 'keep me')
    await mkdir(join(dir, 'files/run1'), { recursive: true })
    await symlink(outside, join(dir, 'files/run1/link'))
    assert.deepEqual(await removeUnrecorded(dir, 'files/run1', new Set()), ['files/run1/link'])
    assert.deepEqual(await readdir(outside), ['precious'])
    await symlink(outside, join(dir, 'files/run2'))
    await assert.rejects(removeUnrecorded(dir, 'files/run2', new Set()), {
      name: 'UnsafePathError',
    })
    assert.deepEqual(await readdir(outside), ['precious'])
  } finally {
    await rm(dir, { recursive: true, force: true })
    await rm(outside, { recursive: true, force: true })
  }
})
