import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  folderSizeBytes,
  globToRegExp,
  guessMimetype,
  listRunFiles,
  runFileEntry,
} from '../../src/local/run_files.ts'

test('guessMimetype reads the extension case-insensitively', () => {
  assert.equal(guessMimetype('config.yaml'), 'application/x-yaml')
  assert.equal(guessMimetype('media/images/a.PNG'), 'image/png')
  assert.equal(guessMimetype('output.log'), 'text/plain')
  assert.equal(guessMimetype('model.ckpt'), 'application/octet-stream')
  assert.equal(guessMimetype('Makefile'), 'application/octet-stream')
})

test('globToRegExp: * stays in one folder, ** crosses folders, ? is one character', () => {
  assert.ok(globToRegExp('*.txt').test('a.txt'))
  assert.ok(!globToRegExp('*.txt').test('dir/a.txt'))
  assert.ok(globToRegExp('**.txt').test('dir/sub/a.txt'))
  assert.ok(globToRegExp('ckpt/?.pt').test('ckpt/1.pt'))
  assert.ok(!globToRegExp('ckpt/?.pt').test('ckpt/10.pt'))
  assert.ok(!globToRegExp('a.b').test('axb'))
  assert.ok(globToRegExp('(x)+[y]').test('(x)+[y]'))
})

async function runFiles() {
  const root = await mkdtemp(join(tmpdir(), 'wbx-run-files-'))
  const a = join(root, 'a', 'files')
  const b = join(root, 'b', 'files')
  await mkdir(join(a, 'media'), { recursive: true })
  await mkdir(b, { recursive: true })
  await writeFile(join(a, 'config.yaml'), 'old')
  await writeFile(join(a, 'media', 'x.png'), 'png!')
  await writeFile(join(b, 'config.yaml'), 'newer')
  await writeFile(join(b, 'output.log'), 'hello\n')
  return { root, a, b }
}

test('listRunFiles merges folders (later wins), applies policies and globs, lists missing paths', async () => {
  const { root, a, b } = await runFiles()
  try {
    const saved = new Map([
      ['config.yaml', 'now' as const],
      ['media/*.png', 'live' as const],
      ['model.pt', 'end' as const],
      ['*.never', 'end' as const],
    ])
    const files = await listRunFiles([a, b], saved)
    assert.deepEqual(
      files.map((f) => [f.name, f.sizeBytes, f.policy, f.mimetype, f.path]),
      [
        ['*.never', null, 'end', 'application/octet-stream', null],
        ['config.yaml', 5, 'now', 'application/x-yaml', join(b, 'config.yaml')],
        ['media/x.png', 4, 'live', 'image/png', join(a, 'media', 'x.png')],
        ['model.pt', null, 'end', 'application/octet-stream', null],
        ['output.log', 6, null, 'text/plain', join(b, 'output.log')],
      ],
    )
    assert.equal(await files[1].md5(), 'DBD0oMErqJIRI1AmuGEmPQ==') // md5('newer')
    await assert.rejects(files[3].md5(), {
      message: 'Cannot hash model.pt: the run lists it but it is not on disk',
    })
    assert.match(files[1].updatedAt!, /^\d{4}-\d\d-\d\dT/)
    assert.equal(await folderSizeBytes(a), 3 + 4)
    assert.equal(await folderSizeBytes(join(root, 'absent')), 0)
    assert.deepEqual(await listRunFiles([join(root, 'absent')]), [])
  } finally {
    await rm(root, { recursive: true, force: true })
  }
})

test('listRunFiles follows a symlinked file but never a symlinked folder', async () => {
  const { root, b } = await runFiles()
  const outside = await mkdtemp(join(tmpdir(), 'wbx-run-files-out-'))
  try {
    await writeFile(join(outside, 'target.txt'), 'linked bytes')
    await mkdir(join(outside, 'dir'))
    await writeFile(join(outside, 'dir', 'secret.txt'), 'not part of the run')
    await symlink(join(outside, 'target.txt'), join(b, 'link.txt'))
    await symlink(join(outside, 'dir'), join(b, 'linkdir'))
    const files = await listRunFiles([b])
    assert.deepEqual(files.map((f) => f.name), ['config.yaml', 'link.txt', 'output.log'])
    assert.equal(files[1].sizeBytes, 12)
  } finally {
    await rm(root, { recursive: true, force: true })
    await rm(outside, { recursive: true, force: true })
  }
})

test('runFileEntry lists a file on disk with its MD5 on request and a missing one as absent', async () => {
  const root = await mkdtemp(join(tmpdir(), 'wbx-files-entry-'))
  try {
    await writeFile(join(root, 'a.txt'), 'hello')
    const [missing, onDisk] = await listRunFiles([root], new Map([['gone.pt', 'end' as const]]))
      .then((files) => [files.find((f) => f.path === null)!, files.find((f) => f.path !== null)!])
    assert.deepEqual(await runFileEntry(onDisk, true), {
      name: 'a.txt',
      sizeBytes: 5,
      mimetype: 'text/plain',
      updatedAt: onDisk.updatedAt,
      md5: 'XUFAKrxLKna5cZ2REBfFkg==',
      path: join(root, 'a.txt'),
      present: true,
      policy: onDisk.policy,
    })
    assert.equal((await runFileEntry(onDisk, false)).md5, null)
    const absent = await runFileEntry(missing, true)
    assert.deepEqual([absent.name, absent.present, absent.md5, absent.path], [
      'gone.pt',
      false,
      null,
      null,
    ])
  } finally {
    await rm(root, { recursive: true, force: true })
  }
})
