import { test } from 'node:test'
import assert from 'node:assert/strict'
import { access, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createTempFile,
  discardTempFile,
  readAt,
  removeQuietly,
  tempName,
  writeAll,
} from '../../src/export/temp_file.ts'

test('tempName is a hidden, labelled name unique per call', () => {
  const a = tempName('spool')
  assert.match(a, new RegExp(`^\\.wbx-spool-${process.pid}-[0-9a-f]{12}\\.tmp$`))
  assert.notEqual(tempName('spool'), a)
})

test('createTempFile writes and reads by position; discardTempFile removes it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wbx-temp-'))
  try {
    const file = await createTempFile('csv', dir)
    await writeAll(file.handle, new TextEncoder().encode('0123456789'))
    assert.equal(new TextDecoder().decode(await readAt(file.handle, 3, 4)), '3456')
    const tail = await readAt(file.handle, 8, 10)
    assert.equal(new TextDecoder().decode(tail), '89') // shorter only at end of file
    assert.equal((await readAt(file.handle, 20, 5)).length, 0)
    await discardTempFile(file)
    assert.deepEqual(await readdir(dir), [])
    await discardTempFile(file) // twice is quiet
    await discardTempFile(undefined)
    await removeQuietly(join(dir, 'never-there'))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('createTempFile names the path and the remedy when the folder is missing', async () => {
  const dir = join(tmpdir(), 'wbx-temp-missing-folder-' + process.pid)
  await assert.rejects(access(dir))
  await assert.rejects(createTempFile('csv', dir), (err: unknown) => {
    assert.ok(err instanceof Error)
    assert.ok(err.message.startsWith(`Cannot create temporary file ${dir}/.wbx-csv-`), err.message)
    assert.ok(err.message.endsWith('; set tempDir to a writable folder'), err.message)
    assert.equal((err.cause as { code?: string }).code, 'ENOENT')
    return true
  })
})
