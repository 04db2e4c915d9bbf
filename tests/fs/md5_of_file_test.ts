import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { md5OfFile } from '../../src/fs/md5_of_file.ts'

test('md5OfFile gives the base64 MD5 W&B manifests use', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wbx-md5-'))
  try {
    await writeFile(join(dir, 'empty'), '')
    await writeFile(join(dir, 'abc'), 'abc')
    await writeFile(join(dir, 'big'), new Uint8Array(3 * 65536 + 7)) // several stream chunks
    assert.equal(await md5OfFile(join(dir, 'empty')), '1B2M2Y8AsgTpgAmY7PhCfg==')
    assert.equal(await md5OfFile(join(dir, 'abc')), 'kAFQmDzST7DWlj99KOF/cg==')
    const { createHash } = await import('node:crypto')
    const expected = createHash('md5').update(new Uint8Array(3 * 65536 + 7)).digest('base64')
    assert.equal(await md5OfFile(join(dir, 'big')), expected)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('md5OfFile rejects with ENOENT for a missing file', async () => {
  await assert.rejects(md5OfFile(join(tmpdir(), 'wbx-md5-missing-file')), { code: 'ENOENT' })
})
