import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import {
  assertNoLinkBelow,
  createExclusive,
  makeDirInside,
  openAppendInside,
  renameInside,
  UnsafePathError,
} from '../../src/fs/safe_write.ts'

function scratch() {
  const root = mkdtempSync(join(tmpdir(), 'wbx-safe-write-'))
  const out = join(root, 'out')
  mkdirSync(out)
  writeFileSync(join(root, 'victim'), 'victim')
  return { root, out, cleanup: () => rmSync(root, { recursive: true, force: true }) }
}

test('makeDirInside creates nested folders and refuses a link on the way, naming it', async () => {
  const s = scratch()
  try {
    await makeDirInside(s.out, join(s.out, 'a', 'b', 'c'))
    assert.deepEqual(readdirSync(join(s.out, 'a', 'b')), ['c'])
    symlinkSync(s.root, join(s.out, 'link'))
    await assert.rejects(
      makeDirInside(s.out, join(s.out, 'link', 'x')),
      (err: Error) =>
        err instanceof UnsafePathError &&
        err.message.includes(`${join(s.out, 'link')} is a symbolic link`),
    )
    assert.equal(readdirSync(s.root).includes('x'), false)
  } finally {
    s.cleanup()
  }
})

test('the root itself may be a link (the user chose it); links below it may not', async () => {
  const s = scratch()
  try {
    const alias = join(s.root, 'alias')
    symlinkSync(s.out, alias)
    await assertNoLinkBelow(alias, join(alias, 'new', 'file'))
    writeFileSync(join(s.out, 'plain'), 'x')
    await assert.rejects(
      assertNoLinkBelow(s.out, join(s.out, 'plain', 'below')),
      /plain is not a folder/,
    )
    await assert.rejects(
      assertNoLinkBelow(s.out, join(s.root, 'victim')),
      /outside the output folder/,
    )
  } finally {
    s.cleanup()
  }
})

test('createExclusive picks a fresh pid-tagged name; renameInside refuses a link at the target', async () => {
  const s = scratch()
  try {
    const a = await createExclusive(s.out, s.out, '.x.', '.wbx-tmp')
    const b = await createExclusive(s.out, s.out, '.x.', '.wbx-tmp')
    assert.notEqual(a.path, b.path)
    assert.match(a.path, new RegExp(`\\.x\\.${process.pid}-[0-9a-f]{12}\\.wbx-tmp$`))
    await a.handle.write('new')
    await a.handle.close()
    await b.handle.close()
    symlinkSync(join(s.root, 'victim'), join(s.out, 'target'))
    await assert.rejects(renameInside(s.out, a.path, join(s.out, 'target')), UnsafePathError)
    assert.equal(readFileSync(join(s.root, 'victim'), 'utf8'), 'victim')
  } finally {
    s.cleanup()
  }
})

test('openAppendInside appends to a plain file and refuses a link', async () => {
  const s = scratch()
  try {
    const h = await openAppendInside(s.out, join(s.out, 'journal'))
    await h.write('one\n')
    await h.close()
    symlinkSync(join(s.root, 'victim'), join(s.out, 'linked'))
    await assert.rejects(
      openAppendInside(s.out, join(s.out, 'linked')),
      /linked is a symbolic link/,
    )
    assert.equal(readFileSync(join(s.out, 'journal'), 'utf8'), 'one\n')
    assert.equal(readFileSync(join(s.root, 'victim'), 'utf8'), 'victim')
  } finally {
    s.cleanup()
  }
})
