import { test } from 'node:test'
import assert from 'node:assert/strict'
import { encoderStream, type RowEncoder, toBatch } from '../../src/export/export_stream.ts'
import type { Row } from '../../src/row.ts'

/** An encoder writing each row's `v` as a line, recording what happened to it. */
function lines(fail?: string) {
  const log: string[] = []
  const encoder: RowEncoder = {
    async write(rows, out) {
      for (const row of rows) {
        if (row.v === fail) throw new Error(`cannot encode ${fail}`)
        log.push(`write ${row.v}`)
        await out.push(new TextEncoder().encode(`${row.v}\n`))
      }
    },
    async close(out) {
      log.push('close')
      await out.push(new TextEncoder().encode('end\n'))
    },
    dispose() {
      log.push('dispose')
      return Promise.resolve()
    },
  }
  return { encoder, log }
}

test('toBatch wraps a single row and passes a batch through', () => {
  const batch: Row[] = [{ a: 1 }]
  assert.equal(toBatch(batch), batch)
  assert.deepEqual(toBatch({ a: 1 }), [{ a: 1 }])
})

test('encoderStream encodes rows and batches, closes, then disposes once', async () => {
  const { encoder, log } = lines()
  const stream = encoderStream(encoder)
  const text = new Response(stream.readable).text()
  const writer = stream.writable.getWriter()
  await writer.write({ v: 'a' })
  await writer.write([{ v: 'b' }, { v: 'c' }])
  await writer.close()
  assert.equal(await text, 'a\nb\nc\nend\n')
  await stream.settled
  assert.deepEqual(log, ['write a', 'write b', 'write c', 'close', 'dispose'])
})

test('an encoder error errors both sides and disposes', async () => {
  const { encoder, log } = lines('bad')
  const stream = encoderStream(encoder)
  const reading = new Response(stream.readable).text()
  const writer = stream.writable.getWriter()
  await writer.write({ v: 'ok' })
  await assert.rejects(writer.write({ v: 'bad' }), /cannot encode bad/)
  await assert.rejects(reading, /cannot encode bad/)
  await stream.settled
  assert.deepEqual(log, ['write ok', 'dispose'])
})

test('cancelling the readable side errors the writable side and disposes', async () => {
  const { encoder, log } = lines()
  const stream = encoderStream(encoder)
  const reader = stream.readable.getReader()
  const writer = stream.writable.getWriter()
  const first = writer.write({ v: 'a' })
  assert.deepEqual(await reader.read(), { done: false, value: new TextEncoder().encode('a\n') })
  await first
  await reader.cancel(new Error('consumer left'))
  await stream.settled
  await assert.rejects(writer.write({ v: 'b' }), /consumer left/)
  assert.deepEqual(log, ['write a', 'dispose'])
})

test('the encoder waits in push while the consumer is behind (backpressure)', async () => {
  const { encoder, log } = lines()
  const stream = encoderStream(encoder)
  const writer = stream.writable.getWriter()
  const rows = Array.from({ length: 50 }, (_, i) => ({ v: String(i) }))
  const writing = writer.write(rows)
  await new Promise((r) => setTimeout(r, 20))
  const written = log.length
  assert.ok(written < 50, `encoder ran ahead of an idle consumer: ${written} rows`)
  const reading = new Response(stream.readable).text()
  await writing
  await writer.close()
  assert.equal((await reading).split('\n').length, 52)
})
