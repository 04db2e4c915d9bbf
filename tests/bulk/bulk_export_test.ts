import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { availableParallelism } from 'node:os'
import {
  DECODE_ON_WORKERS_FROM,
  decodesOnWorkers,
  defaultMemoryBytes,
  defaultWorkers,
  exportProject,
  resolveInclude,
} from '../../src/bulk/bulk_export.ts'
import type { Manifest } from '../../src/bulk/manifest.ts'
import type { Row } from '../../src/row.ts'
import { keepsFreedMemory } from '../../src/runtime.ts'
import { memoryRun, memorySource } from './_memory_run.ts'
import { tempDir } from './_project.ts'

const MIB = 1024 * 1024

async function ndjson(path: string): Promise<Row[]> {
  const text = await readFile(path, 'utf8')
  return text.split('\n').filter((l) => l).map((l) => JSON.parse(l))
}

test('resolveInclude: history and config/summary when nothing is named, else exactly what is named', () => {
  const defaults = {
    history: true,
    system: false,
    configSummary: true,
    files: false,
    artifacts: false,
    logs: false,
  }
  assert.deepEqual(resolveInclude(undefined), defaults)
  assert.deepEqual(resolveInclude({}), defaults)
  assert.deepEqual(resolveInclude({ history: false }), defaults, 'all false names nothing')
  assert.deepEqual(resolveInclude({ logs: true }), {
    history: false,
    system: false,
    configSummary: false,
    files: false,
    artifacts: false,
    logs: true,
  })
})

test('exportProject writes every run of a source: history parts, runs table and a complete manifest', async () => {
  const { dir, cleanup } = tempDir('bulk-export')
  try {
    const source = memorySource([memoryRun(10, undefined, 'a1'), memoryRun(3, undefined, 'b2')])
    const result = await exportProject({ source, out: dir, format: 'ndjson', partRows: 4 })
    assert.equal(result.complete, true)
    assert.equal(result.dryRun, false)
    assert.deepEqual(result.failures, [])
    assert.equal(result.out, dir)
    assert.equal(result.progress.rows, 13)
    assert.deepEqual(
      (await readdir(join(dir, 'history', 'run_id=a1'))).sort(),
      ['part-00000.ndjson', 'part-00001.ndjson', 'part-00002.ndjson'],
    )
    assert.deepEqual(
      (await ndjson(join(dir, 'history', 'run_id=b2', 'part-00000.ndjson'))).map((r) => r._step),
      [0, 1, 2],
    )
    const runs = await ndjson(join(dir, 'runs.ndjson'))
    assert.deepEqual(runs.map((r) => r.run_id).sort(), ['a1', 'b2'])
    const manifest: Manifest = JSON.parse(await readFile(join(dir, 'wbx-manifest.json'), 'utf8'))
    assert.equal(manifest.complete, true)
    assert.deepEqual(manifest.selection, ['a1', 'b2'])
    assert.equal(manifest.totals.historyRows, 13)
    assert.equal(manifest.totals.historyParts, 4)
    assert.equal(manifest.runs.a1.history!.lastStep, 9)
    assert.equal(manifest.query.partRows, 4)
  } finally {
    cleanup()
  }
})

test('a run that keeps failing is set aside with its error; the others are exported', async () => {
  const { dir, cleanup } = tempDir('bulk-export-fail')
  try {
    const broken = {
      ...memoryRun(5, undefined, 'bad'),
      history: () =>
        new ReadableStream<Row[]>({
          pull: (c) => c.error(new Error('disk on fire')),
        }),
    }
    const result = await exportProject({
      source: memorySource([memoryRun(4, undefined, 'good'), broken]),
      out: dir,
      format: 'ndjson',
      attempts: 2,
      retryDelayMs: () => 1,
    })
    assert.equal(result.complete, false)
    assert.equal(result.failures.length, 1)
    assert.equal(result.failures[0].runId, 'bad')
    assert.equal(result.failures[0].attempts, 2)
    assert.match(result.failures[0].error, /disk on fire/)
    assert.equal((await ndjson(join(dir, 'history', 'run_id=good', 'part-00000.ndjson'))).length, 4)
    assert.equal(existsSync(join(dir, 'history', 'run_id=bad', 'part-00000.ndjson')), false)
  } finally {
    cleanup()
  }
})

test('a bad workers count is a RangeError, and the folder can be exported right after', async () => {
  const { dir, cleanup } = tempDir('bulk-workers')
  try {
    const source = memorySource([memoryRun(6, undefined, 'w1')])
    await assert.rejects(
      exportProject({ source, out: dir, workers: -1 }),
      /Cannot encode with -1 workers: use a whole number >= 0/,
    )
    const result = await exportProject({ source, out: dir, workers: 1 })
    assert.equal(result.complete, true)
    assert.deepEqual(result.encoding, { workers: 1, groups: 1, decoded: 0 })
    const inline = await exportProject({ source, out: `${dir}-inline`, workers: 0 })
    assert.deepEqual(inline.encoding, { workers: 0, groups: 0, decoded: 0 })
    // The default budget: 150 MiB (96 where freed memory stays resident) with none or one encoder
    // worker, 64 MiB more for each further one.
    const base = keepsFreedMemory() ? 96 * MIB : 150 * MIB
    assert.equal(result.budget.total, base)
    assert.equal(inline.budget.total, base)
    const part = (folder: string) =>
      readFile(join(folder, 'history', 'run_id=w1', 'part-00000.parquet'))
    assert.deepEqual(await part(dir), await part(`${dir}-inline`))
  } finally {
    cleanup()
    await rm(`${dir}-inline`, { recursive: true, force: true })
  }
})

test('the defaults: workers one fewer than the cores (at most 16), memory 150 MiB (96 where freed memory stays) plus 64 MiB each beyond one', () => {
  assert.equal(defaultWorkers(), Math.max(0, Math.min(16, availableParallelism() - 1)))
  assert.equal(defaultMemoryBytes(0, false), 150 * MIB)
  assert.equal(defaultMemoryBytes(1, false), 150 * MIB)
  assert.equal(defaultMemoryBytes(3, false), 278 * MIB)
  assert.equal(defaultMemoryBytes(1, true), 96 * MIB)
  assert.equal(defaultMemoryBytes(3, true), 224 * MIB)
  // This runtime's own default follows whether it keeps freed memory.
  assert.equal(defaultMemoryBytes(1), keepsFreedMemory() ? 96 * MIB : 150 * MIB)
})

test('the memory watch: an export reads its resident size, collects past residentBytes, 0 turns it off', async () => {
  const { dir, cleanup } = tempDir('bulk-memory-watch')
  try {
    const source = memorySource([memoryRun(6, undefined, 'm1')])
    const watched = await exportProject({ source, out: dir, workers: 0 })
    assert.ok(
      watched.memory.peakBytes > 10 * MIB,
      `resident size read: ${watched.memory.peakBytes}`,
    )
    const tight = await exportProject({ source, out: `${dir}-tight`, workers: 0, residentBytes: 1 })
    assert.ok(tight.memory.collections >= 1, 'past a 1-byte limit the export collects')
    assert.ok(tight.memory.collectMs > 0)
    const off = await exportProject({ source, out: `${dir}-off`, workers: 0, residentBytes: 0 })
    assert.deepEqual(off.memory, { peakBytes: 0, collections: 0, collectMs: 0, trims: 0 })
    const part = (folder: string) =>
      readFile(join(folder, 'history', 'run_id=m1', 'part-00000.parquet'))
    assert.deepEqual(await part(`${dir}-tight`), await part(dir), 'collecting changes no byte')
  } finally {
    cleanup()
    await rm(`${dir}-tight`, { recursive: true, force: true })
    await rm(`${dir}-off`, { recursive: true, force: true })
  }
})

test('a dry run plans the runs and writes nothing', async () => {
  const { dir, cleanup } = tempDir('bulk-export-dry')
  try {
    const out = join(dir, 'out')
    const result = await exportProject({
      source: memorySource([memoryRun(10, undefined, 'a1')]),
      out,
      dryRun: true,
    })
    assert.equal(result.dryRun, true)
    assert.deepEqual(result.plan.runs.map((r) => [r.id, r.action]), [['a1', 'new']])
    assert.equal(existsSync(join(out, 'wbx-manifest.json')), false)
  } finally {
    cleanup()
  }
})

test('decodesOnWorkers: as asked where workers run, else from DECODE_ON_WORKERS_FROM workers up', () => {
  assert.equal(DECODE_ON_WORKERS_FROM, 3)
  assert.deepEqual([0, 1, 2, 3, 15].map((n) => decodesOnWorkers(undefined, n)), [
    false,
    false,
    false,
    true,
    true,
  ])
  assert.deepEqual([0, 1, 3].map((n) => decodesOnWorkers(true, n)), [false, true, true])
  assert.deepEqual([1, 3].map((n) => decodesOnWorkers(false, n)), [false, false])
})
