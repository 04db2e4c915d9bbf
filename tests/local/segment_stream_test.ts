import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkBatchSize, segmentStream } from '../../src/local/segment_stream.ts'
import type { WandbRecord } from '../../src/local/record_types.ts'
import { writeLog } from './_log_writer.ts'
import { historyRecord } from './_proto_writer.ts'

/** Two `.wandb` files: steps 0-4 in the first, 5-6 in the second. */
async function twoFiles() {
  const dir = await mkdtemp(join(tmpdir(), 'wbx-segment-stream-'))
  const first = writeLog(
    [0, 1, 2, 3, 4].map((s) => historyRecord(s + 1, [['_step', String(s)]], s)),
  )
  const second = writeLog([5, 6].map((s) => historyRecord(s + 1, [['_step', String(s)]], s)))
  await writeFile(join(dir, 'a.wandb'), first)
  await writeFile(join(dir, 'b.wandb'), second)
  return {
    dir,
    files: [join(dir, 'a.wandb'), join(dir, 'b.wandb')],
    bytes: first.length + second.length,
  }
}

/** A consumer that emits `file:step` for each history record and `file:end` after the last. */
const consumer = (index: number) => ({
  take(records: WandbRecord[], out: string[]) {
    for (const r of records) if (r.type === 'history') out.push(`${index}:${r.history.step}`)
  },
  end(out: string[]) {
    out.push(`${index}:end`)
  },
})

async function collect(stream: ReadableStream<string[]>): Promise<string[][]> {
  const batches: string[][] = []
  for await (const batch of stream) batches.push(batch)
  return batches
}

test('segmentStream reads file after file in batches of batchSize, reporting bytes read', async () => {
  const { dir, files, bytes } = await twoFiles()
  try {
    const reads: number[] = []
    const batches = await collect(
      segmentStream(files, new Set(['history']), consumer, {
        batchSize: 3,
        onRead: (n) => reads.push(n),
      }),
    )
    assert.deepEqual(batches.flat(), [
      '0:0',
      '0:1',
      '0:2',
      '0:3',
      '0:4',
      '0:end',
      '1:5',
      '1:6',
      '1:end',
    ])
    assert.ok(batches.every((b) => b.length <= 3), JSON.stringify(batches))
    assert.equal(reads.at(-1), bytes)
    assert.deepEqual([...reads].sort((x, y) => x - y), reads)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('segmentStream decodes only the asked record types and errors with an abort reason', async () => {
  const { dir, files } = await twoFiles()
  try {
    assert.deepEqual((await collect(segmentStream(files, new Set(['run']), consumer))).flat(), [
      '0:end',
      '1:end',
    ])
    const controller = new AbortController()
    const reason = new Error('user stopped')
    controller.abort(reason)
    const stream = segmentStream(files, new Set(['history']), consumer, {
      signal: controller.signal,
    })
    await assert.rejects(collect(stream), (err: unknown) => err === reason)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('checkBatchSize accepts positive integers and names a bad value', () => {
  assert.equal(checkBatchSize(undefined, 1000, 'read'), 1000)
  assert.equal(checkBatchSize(5, 1000, 'read'), 5)
  for (const bad of [0, -1, 1.5, NaN]) {
    assert.throws(() => checkBatchSize(bad, 1000, 'stream run records'), {
      name: 'RangeError',
      message: `Cannot stream run records: batchSize must be a positive integer, got ${bad}`,
    })
  }
})
