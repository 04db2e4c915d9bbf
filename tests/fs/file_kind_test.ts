import process from 'node:process'
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileKind, notRegularFileError } from '../../src/fs/file_kind.ts'

test('fileKind names files, folders and FIFOs; the error quotes the path and the kind', {
  skip: process.platform === 'win32' ? 'Windows has no named pipes in the file system' : false,
}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-kind-'))
  try {
    writeFileSync(join(dir, 'f'), 'x')
    assert.equal(spawnSync('mkfifo', [join(dir, 'p')]).status, 0)
    assert.equal(fileKind(statSync(join(dir, 'f'))), 'a regular file')
    assert.equal(fileKind(statSync(dir)), 'a folder')
    assert.equal(fileKind(statSync(join(dir, 'p'))), 'a FIFO (named pipe)')
    assert.equal(
      notRegularFileError('x.wandb', statSync(join(dir, 'p')), 'use a file').message,
      'Cannot read x.wandb: it is a FIFO (named pipe), not a regular file; use a file',
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
