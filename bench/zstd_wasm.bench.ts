/**
 * zstd level 3 in WebAssembly: wbx's own build (`src/export/zstd_wasm.ts`) against
 * `@bokuweb/zstd-wasm` 0.0.27 (the build wbx used before, same bytes), on history-like pages
 * (doubles of a random walk, half of them float32-valued), one reused context each, in this
 * runtime. Prints ms per round (medians) and the ratio; both sides run interleaved.
 *
 * ```sh
 * node bench/zstd_wasm.bench.ts; deno run -A bench/zstd_wasm.bench.ts; bun bench/zstd_wasm.bench.ts
 * ```
 *
 * @module
 */
import { Buffer } from 'node:buffer'
import process from 'node:process'
import { compressUsingDict, createCCtx, init } from '@bokuweb/zstd-wasm'
import { zstdCompressor } from '../src/export/zstd_wasm.ts'
import { runtimeName } from '../src/runtime.ts'
import { randomWalkBytes } from '../tests/_random_walk.ts'

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[sorted.length >> 1]
}

await init()
const context = createCCtx()
const none = new Uint8Array(0)
const sides: [string, (page: Uint8Array) => Uint8Array][] = [
  ['@bokuweb/zstd-wasm', (page) => compressUsingDict(context, page, none, 3)],
  ['wbx zstd_wasm', zstdCompressor(3)],
]
const rounds = 9
const version = (process.versions as Record<string, string | undefined>)[runtimeName] ??
  process.version
console.log(`${runtimeName} ${version}: ms per round, median of ${rounds}`)
console.log('| pages | MB | @bokuweb/zstd-wasm | wbx zstd_wasm | ratio |')
console.log('| --- | ---: | ---: | ---: | ---: |')
// A bulk export's small parts (1,000 rows a page) and a big run's row group (47,619 rows a page).
for (const [count, pages] of [[1000, 2100], [47619, 42]]) {
  const input = Array.from(
    { length: pages },
    (_, i) => randomWalkBytes(count, i + 1, i % 2 === 0, 0.01),
  )
  for (const page of input) {
    const [a, b] = sides.map(([, compress]) => compress(page))
    if (Buffer.compare(a, b) !== 0) {
      throw new Error(`the two builds differ on a ${count}-double page`)
    }
  }
  const times = sides.map((): number[] => [])
  for (let round = 0; round < rounds + 2; round++) {
    for (const [i, [, compress]] of sides.entries()) {
      const start = performance.now()
      for (const page of input) compress(page)
      if (round >= 2) times[i].push(performance.now() - start)
    }
  }
  const [before, after] = times.map(median)
  const mb = (pages * count * 8) / 1e6
  console.log(
    `| ${pages} × ${count} doubles | ${mb.toFixed(1)} | ${before.toFixed(1)} | ${
      after.toFixed(1)
    } | ${(before / after).toFixed(2)}× |`,
  )
}
