import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ParquetWorkers } from '../../src/export/parquet_workers.ts'
import { type ParquetInternalOptions, toParquet } from '../../src/export/parquet.ts'

const entry = new URL('./_task_worker.ts', import.meta.url)

test('a worker serves its entry’s tasks by name, moving buffers both ways, and still encodes', async () => {
  const workers = await ParquetWorkers.start(1, { entry })
  try {
    const buffer = new Float64Array([1.5, -0, NaN]).buffer
    const answer = await workers.call('echo', { buffer, note: 'x' }, [buffer]) as {
      buffer: ArrayBuffer
      note: string
    }
    assert.equal(buffer.byteLength, 0, 'the buffer moved to the worker')
    assert.deepEqual(Array.from(new Float64Array(answer.buffer)), [1.5, -0, NaN])
    assert.equal(answer.note, 'x')
    await assert.rejects(
      workers.call('fail', null)!,
      { name: 'TypeError', message: 'fail worker: the task failed on purpose' },
    )
    await assert.rejects(workers.call('nope', null)!, /this worker has no task named 'nope'/)
    await assert.rejects(workers.call('echo', { f: () => 1 })!, { name: 'DataCloneError' })
    assert.equal(workers.tasks, 1, 'answered tasks are counted, failed ones are not')
    // Encoding still runs on the same worker.
    const options: ParquetInternalOptions = { columns: ['_step'], types: { _step: 'int' }, workers }
    const exporter = toParquet(options)
    const bytes = new Response(exporter.readable).arrayBuffer()
    const writer = exporter.writable.getWriter()
    await writer.write([{ _step: 1 }, { _step: 2 }])
    await writer.close()
    assert.ok((await bytes).byteLength > 0)
    assert.equal(workers.groups, 1)
  } finally {
    await workers.close()
  }
  assert.equal(workers.call('echo', {}), undefined, 'no worker left: the caller does the work')
})
