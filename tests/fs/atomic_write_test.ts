/** The one atomic file writer: exclusive random temp names, no links, nothing left on failure. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { writeAtomic } from '../../src/fs/atomic_write.ts'
import { givePieceBack, lendPiece, PIECE_BYTES } from '../../src/byte_pieces.ts'
import { UnsafePathError } from '../../src/fs/safe_write.ts'

const options = { tempPrefix: '.t.', tempSuffix: '.wbx-tmp', advice: 'check the folder' }

function scratch() {
  const root = mkdtempSync(join(tmpdir(), 'wbx-atomic-write-'))
  const out = join(root, 'out')
  mkdirSync(out)
  writeFileSync(join(root, 'victim'), 'victim')
  return { root, out, cleanup: () => rmSync(root, { recursive: true, force: true }) }
}

/** A stream of the given chunks; with `fail`, it errors after them. */
function chunks(parts: string[], fail?: Error): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  let i = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < parts.length) controller.enqueue(encoder.encode(parts[i++]))
      else if (fail) controller.error(fail)
      else controller.close()
    },
  })
}

test('the bytes land under the target name; each chunk is seen once; no temp is left', async () => {
  const s = scratch()
  try {
    const seen: number[] = []
    const target = join(s.out, 'a', 'b', 'file.txt')
    const bytes = await writeAtomic(s.out, target, chunks(['he', 'llo']), {
      ...options,
      makeDirs: true,
      onChunk: (chunk) => seen.push(chunk.byteLength),
    })
    assert.equal(bytes, 5)
    assert.deepEqual(seen, [2, 3])
    assert.equal(readFileSync(target, 'utf8'), 'hello')
    assert.deepEqual(readdirSync(join(s.out, 'a', 'b')), ['file.txt'])
  } finally {
    s.cleanup()
  }
})

test('the temp file is created exclusively under a random name holding the pid', async () => {
  const s = scratch()
  try {
    const target = join(s.out, 'file.txt')
    const names: string[] = []
    let release!: () => void
    const held = new Promise<void>((resolve) => release = resolve)
    const slow = new ReadableStream<Uint8Array>({
      async pull(controller) {
        names.push(...readdirSync(s.out))
        await held
        controller.close()
      },
    }, { highWaterMark: 0 })
    const first = writeAtomic(s.out, target, slow, options)
    const second = writeAtomic(s.out, target, chunks(['second']), options)
    await second
    await new Promise((resolve) => setTimeout(resolve, 20))
    release()
    await first
    const temp = new RegExp(`^\\.t\\.${process.pid}-[0-9a-f]{12}\\.wbx-tmp$`)
    assert.ok(names.some((n) => temp.test(n)), names.join(', '))
    assert.equal(readFileSync(target, 'utf8'), '', 'the last rename wins; neither write clashed')
    assert.deepEqual(readdirSync(s.out), ['file.txt'])
  } finally {
    s.cleanup()
  }
})

test('a link at the target or below the root is refused and nothing is written through it', async () => {
  const s = scratch()
  try {
    symlinkSync(join(s.root, 'victim'), join(s.out, 'link.txt'))
    await assert.rejects(
      writeAtomic(s.out, join(s.out, 'link.txt'), chunks(['x']), options),
      (err: Error) => err instanceof UnsafePathError && /is a symbolic link/.test(err.message),
    )
    symlinkSync(s.root, join(s.out, 'dir'))
    await assert.rejects(
      writeAtomic(s.out, join(s.out, 'dir', 'f.txt'), chunks(['x']), {
        ...options,
        makeDirs: true,
      }),
      UnsafePathError,
    )
    assert.equal(readFileSync(join(s.root, 'victim'), 'utf8'), 'victim')
    assert.deepEqual(readdirSync(s.out).sort(), ['dir', 'link.txt'])
  } finally {
    s.cleanup()
  }
})

test('a failing stream or an abort removes the temp file and keeps the old file', async () => {
  const s = scratch()
  try {
    const target = join(s.out, 'keep.txt')
    writeFileSync(target, 'old')
    await assert.rejects(
      writeAtomic(s.out, target, chunks(['new'], new Error('source broke')), options),
      /source broke/,
    )
    const controller = new AbortController()
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(new Uint8Array(10))
        controller.abort(new Error('stop'))
      },
    })
    await assert.rejects(
      writeAtomic(s.out, target, endless, { ...options, signal: controller.signal }),
      /stop/,
    )
    assert.equal(readFileSync(target, 'utf8'), 'old')
    assert.deepEqual(readdirSync(s.out), ['keep.txt'])
  } finally {
    s.cleanup()
  }
})

test('a missing folder without makeDirs is an Error naming the file and the advice', async () => {
  const s = scratch()
  try {
    await assert.rejects(
      writeAtomic(s.out, join(s.out, 'nope', 'f.txt'), chunks(['x']), {
        ...options,
        label: 'nope/f.txt',
      }),
      (err: Error) => /^Cannot write nope\/f\.txt: .*; check the folder$/.test(err.message),
    )
  } finally {
    s.cleanup()
  }
})

test('with givePiecesBack, lent pieces go back once written; without, the reader keeps them', async () => {
  const { root, out, cleanup } = scratch()
  try {
    const write = async (givePiecesBack: boolean) => {
      const piece = lendPiece(PIECE_BYTES)
      piece.fill(0x61)
      const path = join(out, `pieces-${givePiecesBack}.bin`)
      await writeAtomic(root, path, oneChunk(piece), { ...options, givePiecesBack })
      assert.equal(readFileSync(path).length, PIECE_BYTES)
      const next = lendPiece(PIECE_BYTES)
      const reused = next.buffer === piece.buffer
      givePieceBack(next)
      return reused
    }
    assert.equal(await write(false), false, 'a stream another reader may hold keeps its pieces')
    assert.equal(await write(true), true)
  } finally {
    cleanup()
  }
})

/** A stream of one chunk. */
function oneChunk(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes)
      controller.close()
    },
  })
}
