import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  hashFile,
  isTempName,
  writeFileAtomic,
  writeTextAtomic,
} from '../../src/bulk/atomic_file.ts'

const sha = (text: string) => createHash('sha256').update(text).digest('hex')

test('isTempName recognises only dot-prefixed .wbx-tmp names', () => {
  assert.equal(isTempName('.runs.parquet.123-abc.wbx-tmp'), true)
  assert.equal(isTempName('runs.parquet.wbx-tmp'), false)
  assert.equal(isTempName('.hidden'), false)
})

test('writeTextAtomic creates parents, reports size and sha256, and leaves no temp file', async () => {
  const root = await mkdtemp(join(tmpdir(), 'wbx-atomic-'))
  try {
    const written = await writeTextAtomic(root, join(root, 'a/b/manifest.json'), 'héllo')
    assert.deepEqual(written, { bytes: 6, sha256: sha('héllo') })
    assert.equal(await readFile(join(root, 'a/b/manifest.json'), 'utf8'), 'héllo')
    assert.deepEqual(await readdir(join(root, 'a/b')), ['manifest.json'])
    assert.deepEqual(await hashFile(join(root, 'a/b/manifest.json')), written)
  } finally {
    await rm(root, { recursive: true, force: true })
  }
})

test('writeFileAtomic leaves the old file in place when the stream fails', async () => {
  const root = await mkdtemp(join(tmpdir(), 'wbx-atomic-'))
  try {
    const path = join(root, 'data.csv')
    await writeFile(path, 'old')
    let pulls = 0
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulls++ === 0) controller.enqueue(new TextEncoder().encode('partial'))
        else controller.error(new Error('source broke'))
      },
    })
    await assert.rejects(writeFileAtomic(root, path, failing), /source broke/)
    assert.equal(await readFile(path, 'utf8'), 'old')
    assert.deepEqual(await readdir(root), ['data.csv'])
  } finally {
    await rm(root, { recursive: true, force: true })
  }
})

test('writeTextAtomic refuses to write through a link below the root', async () => {
  const root = await mkdtemp(join(tmpdir(), 'wbx-atomic-'))
  const outside = await mkdtemp(join(tmpdir(), 'wbx-atomic-out-'))
  try {
    await mkdir(join(root, 'x'))
    await symlink(outside, join(root, 'x/linked'))
    await assert.rejects(writeTextAtomic(root, join(root, 'x/linked/f.txt'), 'no'), {
      name: 'UnsafePathError',
    })
    assert.deepEqual(await readdir(outside), [])
  } finally {
    await rm(root, { recursive: true, force: true })
    await rm(outside, { recursive: true, force: true })
  }
})

test('hashFile rejects for a missing file', async () => {
  await assert.rejects(hashFile(join(tmpdir(), 'wbx-atomic-no-such-file')), { code: 'ENOENT' })
})
