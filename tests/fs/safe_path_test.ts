import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join, resolve } from 'node:path'
import process from 'node:process'
import { claimTarget, resolveInside, UnsafeNameError } from '../../src/fs/safe_path.ts'

test('claimTarget refuses a second name for the same file and names both', () => {
  const claims = new Map<string, string>()
  const dir = resolve('out')
  assert.equal(claimTarget(claims, dir, 'col//x.txt'), join(dir, 'col', 'x.txt'))
  assert.equal(claimTarget(claims, dir, 'col/y.txt'), join(dir, 'col', 'y.txt'))
  assert.equal(
    claimTarget(claims, dir, 'col//x.txt'),
    join(dir, 'col', 'x.txt'),
    'the same name again is fine',
  )
  assert.throws(
    () => claimTarget(claims, dir, 'col/x.txt'),
    (err: Error) =>
      err instanceof UnsafeNameError &&
      err.message.startsWith(`Cannot save both 'col//x.txt' and 'col/x.txt' in ${dir}`),
  )
  const folded = process.platform === 'darwin' || process.platform === 'win32'
  if (folded) assert.throws(() => claimTarget(claims, dir, 'COL/Y.txt'), UnsafeNameError)
  else assert.equal(claimTarget(claims, dir, 'COL/Y.txt'), join(dir, 'COL', 'Y.txt'))
})

test("a name ending in '/' is refused as a folder", () => {
  assert.throws(() => resolveInside('out', 'folder/'), /ends with '\/', which names a folder/)
  assert.throws(() => resolveInside('out', '../x'), UnsafeNameError)
})
