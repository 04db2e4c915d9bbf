import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { spawnSync } from 'node:child_process'
import * as zlib from 'node:zlib'
import { compress as bokuwebCompress, init as bokuwebInit } from '@bokuweb/zstd-wasm'
import { zstdCompressor } from '../../src/export/zstd_wasm.ts'
import { wandbPython } from '../_python.ts'
import { randomWalkBytes } from '../_random_walk.ts'

// @types/node 20 does not declare zstd yet; Deno, Bun and Node 24 have it.
const zstdDecompress = (zlib as unknown as { zstdDecompressSync(input: Uint8Array): Uint8Array })
  .zstdDecompressSync

/** Bytes of a linear congruential generator: incompressible. */
function noise(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size)
  let x = seed
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0
    out[i] = x >>> 24
  }
  return out
}

const text = new TextEncoder().encode(
  Array.from(
    { length: 3000 },
    (_, i) => `{"_step":${i},"loss":${1 / (i + 1)},"tag":"run-${i % 7}"}`,
  )
    .join('\n'),
)

/**
 * Pages around libzstd's parameter-table edges (16 KiB, 128 KiB, 256 KiB), empty and one byte,
 * noise, runs of one byte, NDJSON text, and history doubles up to 4 MiB.
 */
const corpus: [string, Uint8Array][] = [
  ['empty', new Uint8Array(0)],
  ['one byte', new Uint8Array([42])],
  ...[16383, 16384, 16385, 131072, 131073, 262144, 262145].map((n, i): [string, Uint8Array] => [
    `noise ${n}`,
    noise(n, i + 1),
  ]),
  ['zeros 1 MiB', new Uint8Array(1 << 20)],
  ['ndjson text', text],
  ...[10, 500, 2000, 10000, 47619, 131072, 524288].flatMap((n, i): [string, Uint8Array][] => [
    [`doubles ${n}`, randomWalkBytes(n, i + 11, false)],
    [`float32 doubles ${n}`, randomWalkBytes(n, i + 21, true)],
  ]),
]

test('zstd frames are the bytes @bokuweb/zstd-wasm 0.0.27 wrote, page after page from one context', async () => {
  await bokuwebInit()
  for (const level of [3, 1, -1]) {
    const compress = zstdCompressor(level)
    // Twice through, the second pass after the biggest page, so state left in the context shows.
    for (const pass of [1, 2]) {
      for (const [name, page] of corpus) {
        const frame = compress(page)
        assert.deepEqual(
          frame,
          bokuwebCompress(page, level),
          `${name}, level ${level}, pass ${pass}`,
        )
        assert.deepEqual(new Uint8Array(zstdDecompress(frame)), page, name)
      }
    }
  }
})

test('two compressors in one thread keep their own contexts', () => {
  const a = zstdCompressor(3)
  const b = zstdCompressor(3)
  const big = randomWalkBytes(131072, 5, false)
  const small = randomWalkBytes(500, 6, true)
  const expected = zstdCompressor(3)(small)
  a(big)
  assert.deepEqual(b(small), expected)
  assert.deepEqual(a(small), expected)
})

test('zstd refuses levels this build cannot write as libzstd would', () => {
  for (const level of [4, 19, 2.5]) {
    assert.throws(() => zstdCompressor(level), {
      name: 'RangeError',
      message: `Cannot compress zstd at level ${level}: this build writes levels 3 and below`,
    })
  }
})

// The referee: native libzstd 1.5.7 (python-zstandard 0.25.0, x86-64) writes the same frames.
const zstandardPython = wandbPython &&
    spawnSync(wandbPython, ['-c', 'import zstandard; assert zstandard.ZSTD_VERSION == (1, 5, 7)'])
        .status === 0
  ? wandbPython
  : undefined

test('zstd frames are native libzstd 1.5.7 frames (python-zstandard)', {
  skip: zstandardPython
    ? false
    : 'Python with zstandard 0.25.0 not found (pip install -r tests/requirements.txt); CI installs it',
}, () => {
  const compress = zstdCompressor(3)
  const script = [
    'import sys, zstandard',
    'c = zstandard.ZstdCompressor(level=3)',
    'data = sys.stdin.buffer.read()',
    'offset = 0',
    'for size in map(int, sys.argv[1].split(",")):',
    '    sys.stdout.write(c.compress(data[offset:offset + size]).hex() + "\\n")',
    '    offset += size',
  ].join('\n')
  const pages = corpus.map(([, page]) => page)
  const run = spawnSync(zstandardPython!, ['-c', script, pages.map((p) => p.length).join(',')], {
    input: Buffer.concat(pages),
    maxBuffer: 1 << 26,
    encoding: 'utf8',
  })
  assert.equal(run.status, 0, run.stderr)
  const frames = run.stdout.trim().split('\n')
  assert.equal(frames.length, corpus.length)
  for (const [i, [name, page]] of corpus.entries()) {
    assert.equal(Buffer.from(compress(page)).toString('hex'), frames[i], name)
  }
})

test("a frame's view holds the frame's bytes, until the next page is compressed", () => {
  const compress = zstdCompressor(3)
  const first = randomWalkBytes(4096, 7, false)
  const second = randomWalkBytes(4096, 8, true)
  const copy = compress(first)
  const view = compress.view(first)
  assert.deepEqual(new Uint8Array(view), copy)
  assert.notEqual(view.buffer, copy.buffer, 'the view is of the WebAssembly memory, not a copy')
  const secondFrame = compress(second)
  assert.notDeepEqual(new Uint8Array(view.slice()), copy, 'the next page overwrote the view')
  assert.deepEqual(new Uint8Array(compress.view(second)), secondFrame)
})
