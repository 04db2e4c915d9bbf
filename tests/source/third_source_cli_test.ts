/**
 * A third, in-memory source with files, console text and an artifact's manifest: `wbx logs`,
 * `wbx files` (with `--download`) and `wbx artifacts --entries` read it through RunReader only, with
 * no code of its own.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RunReader } from '../../src/source/run_reader.ts'
import { runCli } from '../cli/_run_cli.ts'
import { registerRunOpener } from '../../src/source/open_run.ts'
import { memoryReader } from './_memory_reader.ts'

/** The NDJSON lines of a CLI output, parsed. */
function ndjson(text: string): Record<string, unknown>[] {
  return text.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line))
}

test('wbx logs, files and artifacts --entries read a third source through RunReader', async () => {
  const reader = memoryReader('mem3', [{ _step: 0, a: 1 }], { a: 1 }, {
    files: { 'config.yaml': 'lr: 0.1\n' },
    console: 'epoch 1\nepoch 2\n',
    artifact: {
      name: 'weights',
      type: 'model',
      version: 'v0',
      entries: [{ path: 'w.bin', body: 'xyz' }, { path: 'meta/info.txt', body: 'hello' }],
    },
  })
  const unregister = registerRunOpener({
    name: 'memory',
    canOpen: (source) => source === 'memory:extras',
    open: () => Promise.resolve(reader),
  })
  try {
    const logs = await runCli(['logs', 'memory:extras'])
    assert.equal(logs.code, 0, logs.stderr)
    assert.equal(logs.stdout, 'epoch 1\nepoch 2\n')
    const files = await runCli(['files', 'memory:extras', '--format', 'ndjson'])
    assert.equal(files.code, 0, files.stderr)
    assert.deepEqual(ndjson(files.stdout).map((f) => [f.name, f.size_bytes]), [['config.yaml', 8]])
    const entries = await runCli(['artifacts', 'memory:extras', '--entries', '--format', 'ndjson'])
    assert.equal(entries.code, 0, entries.stderr)
    assert.deepEqual(ndjson(entries.stdout), [
      {
        artifact: 'weights',
        type: 'model',
        path: 'w.bin',
        digest: null,
        size: 3,
        ref: null,
        birth_artifact_id: null,
      },
      {
        artifact: 'weights',
        type: 'model',
        path: 'meta/info.txt',
        digest: null,
        size: 5,
        ref: null,
        birth_artifact_id: null,
      },
    ])
    const used = await runCli(['artifacts', 'memory:extras', '--entries', '--direction', 'used'])
    assert.equal(used.code, 0, used.stderr)
    assert.equal(used.stdout.trim(), '')
  } finally {
    unregister()
  }
})

/** W&B's base64 md5 of a text. */
function md5Of(text: string): string {
  return createHash('md5').update(text).digest('base64')
}

/** A third source whose listing gives each file's md5 (or the given wrong size/md5), opened as `memory:<key>`. */
function registerFiles(
  key: string,
  files: Record<string, string>,
  listed: Record<string, { sizeBytes?: number; md5?: string }> = {},
): () => void {
  const inner = memoryReader(key, [{ _step: 0, a: 1 }], { a: 1 }, { files })
  const reader: RunReader = {
    ...inner,
    listFiles: async (options) =>
      (await inner.listFiles(options)).map((f) => ({
        ...f,
        md5: md5Of(files[f.name]),
        ...listed[f.name],
      })),
  }
  return registerRunOpener({
    name: `memory-${key}`,
    canOpen: (source) => source === `memory:${key}`,
    open: () => Promise.resolve(reader),
  })
}

test('wbx files --download writes a third source’s files through openFile, verified, and skips identical ones', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-third-dl-'))
  const files = { 'config.yaml': 'lr: 0.1\n', 'media/notes.txt': 'héllo\n' }
  const unregister = registerFiles('dl', files)
  try {
    const first = await runCli(['files', 'memory:dl', '--download', dir, '--format', 'ndjson'])
    assert.equal(first.code, 0, first.stderr)
    assert.equal(readFileSync(join(dir, 'config.yaml'), 'utf8'), 'lr: 0.1\n')
    assert.equal(readFileSync(join(dir, 'media', 'notes.txt'), 'utf8'), 'héllo\n')
    assert.deepEqual(ndjson(first.stdout), [
      {
        name: 'config.yaml',
        size_bytes: 8,
        md5: md5Of('lr: 0.1\n'),
        path: join(realpathSync(dir), 'config.yaml'),
        skipped: false,
      },
      {
        name: 'media/notes.txt',
        size_bytes: 7,
        md5: md5Of('héllo\n'),
        path: join(realpathSync(dir), 'media', 'notes.txt'),
        skipped: false,
      },
    ])
    assert.deepEqual(readdirSync(join(dir, 'media')), ['notes.txt']) // no temporary file left
    const again = await runCli(['files', 'memory:dl', '--download', dir, '--format', 'ndjson'])
    assert.equal(again.code, 0, again.stderr)
    assert.deepEqual(ndjson(again.stdout).map((r) => r.skipped), [true, true])
    writeFileSync(join(dir, 'config.yaml'), 'changed\n')
    const differs = await runCli(['files', 'memory:dl', '--download', dir])
    assert.notEqual(differs.code, 0)
    assert.match(differs.stderr, /config\.yaml.*a different file is already there.*--replace/)
    assert.equal(readFileSync(join(dir, 'config.yaml'), 'utf8'), 'changed\n')
    const replaced = await runCli(['files', 'memory:dl', '--download', dir, '--replace'])
    assert.equal(replaced.code, 0, replaced.stderr)
    assert.equal(readFileSync(join(dir, 'config.yaml'), 'utf8'), 'lr: 0.1\n')
  } finally {
    unregister()
    rmSync(dir, { recursive: true, force: true })
  }
})

test('wbx files --download refuses to write a third source’s file through a symbolic link under DIR', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-third-link-'))
  const elsewhere = mkdtempSync(join(tmpdir(), 'wbx-third-elsewhere-'))
  symlinkSync(elsewhere, join(dir, 'media'))
  const unregister = registerFiles('link', { 'media/notes.txt': 'secret\n' })
  try {
    const result = await runCli(['files', 'memory:link', '--download', dir])
    assert.notEqual(result.code, 0)
    assert.match(result.stderr, /media.* is a symbolic link.*never writes through a link/)
    assert.deepEqual(readdirSync(elsewhere), [])
  } finally {
    unregister()
    rmSync(dir, { recursive: true, force: true })
    rmSync(elsewhere, { recursive: true, force: true })
  }
})

test('wbx files --download fails naming the file when a third source’s bytes differ from its listed size or md5', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-third-bad-'))
  const unregisterSize = registerFiles('size', { 'model.bin': 'abcdef' }, {
    'model.bin': { sizeBytes: 4 },
  })
  const unregisterMd5 = registerFiles('md5', { 'weights.bin': 'abcdef' }, {
    'weights.bin': { md5: md5Of('other') },
  })
  try {
    const size = await runCli(['files', 'memory:size', '--download', dir])
    assert.notEqual(size.code, 0)
    assert.match(size.stderr, /model\.bin of run size/)
    assert.match(size.stderr, /the run reader sent more than the listed 4 bytes/)
    const md5 = await runCli(['files', 'memory:md5', '--download', dir])
    assert.notEqual(md5.code, 0)
    assert.match(md5.stderr, /weights\.bin of run md5: the md5 is .* but the run reader listed/)
    assert.deepEqual(readdirSync(dir), []) // nothing kept, no temporary file left
  } finally {
    unregisterSize()
    unregisterMd5()
    rmSync(dir, { recursive: true, force: true })
  }
})
