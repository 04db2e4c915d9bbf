import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { ParquetExportFile } from '../../../src/api/history/parquet_export_file.ts'
import {
  checkTailBytes,
  DEFAULT_TAIL_BYTES,
  ExportTailBuffer,
  MAX_TAIL_BYTES,
  readExportTail,
} from '../../../src/api/history/export_tail.ts'
import { MAX_UNRANGED_BYTES } from '../../../src/api/history/signed_fetch.ts'
import type { Row } from '../../../src/row.ts'
import { parseRange } from '../../server/files_origin.ts'

/** How the storage server answers. */
type Mode = 'ranges' | 'ignore-range' | 'no-length' | 'endless' | 'empty' | 'huge'

/** A storage origin serving one object at a signed path, logging `method range` per request. */
async function storage(bytes: Uint8Array, mode: Mode = 'ranges') {
  const log: string[] = []
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    log.push(`${req.method} ${req.headers.range ?? '-'}`)
    if (!req.url?.includes('Signature=secret')) return void res.writeHead(403).end()
    if (mode === 'empty') {
      return void res.writeHead(416, { 'content-range': 'bytes */0' }).end('<Error/>')
    }
    if (mode === 'huge') {
      res.writeHead(200, { 'content-length': String(MAX_UNRANGED_BYTES + 1) })
      return void res.end(bytes.subarray(0, 100))
    }
    if (req.method === 'HEAD') {
      return void res.writeHead(200, { 'content-length': bytes.length }).end()
    }
    if (mode === 'no-length' || mode === 'endless') {
      // Range ignored, no Content-Length (chunked); 'endless' sends 3 MiB more than the file.
      res.writeHead(200)
      res.write(bytes)
      if (mode === 'endless') res.write(new Uint8Array(3 * 1024 * 1024).fill(0x20))
      return void res.end()
    }
    const range = mode === 'ranges' ? parseRange(req.headers.range, bytes.length) : undefined
    if (range === 'unsatisfiable') return void res.writeHead(416).end()
    if (!range) return void res.writeHead(200, { 'content-length': bytes.length }).end(bytes)
    const [start, end] = range
    res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${bytes.length}` })
    res.end(bytes.subarray(start, end + 1))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/exports/0.parquet?X-Goog-Signature=secret&Signature=secret`,
    log,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r())
        server.closeAllConnections()
      }),
  }
}

/** An export of `n` dense rows in row groups of `group` rows. */
function exportFile(n: number, group: number): { bytes: Uint8Array; rows: Row[] } {
  const rows: Row[] = Array.from({ length: n }, (_, i) => ({ _step: i, loss: i / 3, acc: i % 11 }))
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: '_step', type: 'INT64', data: rows.map((r) => BigInt(r._step as number)) },
      { name: 'loss', type: 'DOUBLE', data: rows.map((r) => r.loss as number) },
      { name: 'acc', type: 'DOUBLE', data: rows.map((r) => r.acc as number) },
    ],
    rowGroupSize: group,
  })
  return { bytes: new Uint8Array(buffer), rows }
}

/** Every row of an opened export, group by group. */
async function readAll(file: ParquetExportFile): Promise<Row[]> {
  const out: Row[] = []
  for (const g of file.groups) out.push(...await file.readGroup(g))
  return out
}

const FAST = { retries: 1, retryDelayMs: 1 }

test('a file no bigger than tailBytes costs exactly one request: a suffix-range GET, no HEAD', async () => {
  const { bytes, rows } = exportFile(500, 100)
  assert.ok(bytes.length < DEFAULT_TAIL_BYTES)
  const s = await storage(bytes)
  try {
    const file = await ParquetExportFile.open(s.url, '1 of 1', FAST)
    assert.equal(file.groups.length, 5)
    assert.deepEqual(await readAll(file), rows)
    assert.deepEqual(s.log, [`GET bytes=-${DEFAULT_TAIL_BYTES}`])
  } finally {
    await s.close()
  }
})

test('a bigger file: the tail gives size and footer, row groups before it are read by range', async () => {
  const { bytes, rows } = exportFile(4000, 1000)
  const footer = new DataView(bytes.buffer).getUint32(bytes.length - 8, true) + 8
  const tailBytes = footer + 64 // the footer and a little of the last group
  const s = await storage(bytes)
  try {
    const file = await ParquetExportFile.open(s.url, '1 of 1', { ...FAST, tailBytes })
    assert.deepEqual(s.log, [`GET bytes=-${tailBytes}`], 'the footer came with the first read')
    assert.deepEqual(await readAll(file), rows)
    assert.equal(s.log.length, 1 + 4, 'one range read per row group')
    for (const line of s.log.slice(1)) assert.match(line, /^GET bytes=\d+-\d+$/)
  } finally {
    await s.close()
  }
})

test('a footer longer than tailBytes costs one more ranged read, then reads as usual', async () => {
  const { bytes, rows } = exportFile(300, 100)
  const footer = new DataView(bytes.buffer).getUint32(bytes.length - 8, true) + 8
  const s = await storage(bytes)
  try {
    const file = await ParquetExportFile.open(s.url, '1 of 1', { ...FAST, tailBytes: 16 })
    const start = bytes.length - footer
    assert.deepEqual(s.log, ['GET bytes=-16', `GET bytes=${start}-${bytes.length - 17}`])
    assert.deepEqual(await readAll(file), rows)
  } finally {
    await s.close()
  }
})

test('a server that ignores Range: the 200 body is the whole file, decoded from that one answer', async () => {
  const { bytes, rows } = exportFile(2000, 500)
  const s = await storage(bytes, 'ignore-range')
  try {
    const file = await ParquetExportFile.open(s.url, '1 of 1', { ...FAST, tailBytes: 64 })
    assert.deepEqual(await readAll(file), rows)
    assert.deepEqual(s.log, ['GET bytes=-64'])
  } finally {
    await s.close()
  }
})

test('a 200 without Content-Length ending within tailBytes is the whole file, in one request', async () => {
  const { bytes, rows } = exportFile(2000, 500)
  const s = await storage(bytes, 'no-length')
  try {
    const file = await ParquetExportFile.open(s.url, '1 of 1', FAST)
    assert.deepEqual(await readAll(file), rows)
    assert.deepEqual(s.log, [`GET bytes=-${DEFAULT_TAIL_BYTES}`])
  } finally {
    await s.close()
  }
})

test('a 200 of unknown length going on past tailBytes: the size from HEAD, then slices cut from the body', async () => {
  const { bytes, rows } = exportFile(2000, 500)
  const s = await storage(bytes, 'endless')
  try {
    const tailBytes = 1024
    const file = await ParquetExportFile.open(s.url, '1 of 1', { ...FAST, tailBytes })
    assert.deepEqual(await readAll(file), rows)
    assert.deepEqual(s.log.slice(0, 3), [
      `GET bytes=-${tailBytes}`,
      'HEAD -',
      `GET bytes=${bytes.length - tailBytes}-${bytes.length - 1}`,
    ])
  } finally {
    await s.close()
  }
})

test('a whole-file 200 over the body cap is refused at once, naming the file without its signature', async () => {
  const s = await storage(new Uint8Array(200), 'huge')
  try {
    await assert.rejects(ParquetExportFile.open(s.url, '2 of 3', FAST), (err: Error) => {
      assert.match(
        err.message,
        /^Cannot open history export 2 of 3 \(http:\/\/127\.0\.0\.1:\d+\/exports\/0\.parquet\)/,
      )
      assert.match(
        err.message,
        /ignored the Range header and sends the whole file \(134217729 bytes\)/,
      )
      assert.doesNotMatch(err.message, /secret|Signature/)
      return true
    })
    assert.equal(s.log.length, 1, 'not retried')
  } finally {
    await s.close()
  }
})

test('a 416 for the suffix range is an empty file: a clear error, not retried, signature redacted', async () => {
  const s = await storage(new Uint8Array(0), 'empty')
  try {
    assert.deepEqual(await readExportTail(s.url, 1024, FAST), {
      byteLength: 0,
      start: 0,
      bytes: new Uint8Array(0),
    })
    await assert.rejects(ParquetExportFile.open(s.url, '1 of 1', FAST), (err: Error) => {
      assert.match(
        err.message,
        /history export 1 of 1 .*the file is empty \(0 bytes\), not a Parquet file/,
      )
      assert.doesNotMatch(err.message, /secret|Signature/)
      return true
    })
    assert.equal(s.log.length, 2, 'one request per attempt above, no retry')
  } finally {
    await s.close()
  }
})

test('an expired signature (403) on the first read says so, without the query string', async () => {
  const s = await storage(new Uint8Array(100))
  try {
    await assert.rejects(
      ParquetExportFile.open(
        s.url.replace('secret&', 'stale&').replace(/secret$/, 'x'),
        '1 of 1',
        FAST,
      ),
      (err: Error) => {
        assert.match(err.message, /HTTP 403; a signed URL may have expired/)
        assert.doesNotMatch(err.message, /stale|Signature/)
        return true
      },
    )
  } finally {
    await s.close()
  }
})

test('tailBytes must be an integer from 8 to 64 MiB', async () => {
  for (const bad of [7, 0, -1, 1.5, MAX_TAIL_BYTES + 1, NaN]) {
    assert.throws(() => checkTailBytes(bad), RangeError, String(bad))
    await assert.rejects(
      ParquetExportFile.open('http://127.0.0.1:9/x', '1 of 1', { tailBytes: bad }),
      RangeError,
    )
  }
  assert.equal(checkTailBytes(8), 8)
  assert.equal(checkTailBytes(MAX_TAIL_BYTES), MAX_TAIL_BYTES)
})

test('ExportTailBuffer serves the tail from memory and joins a range read for a slice across it', async () => {
  const file = Uint8Array.from({ length: 100 }, (_, i) => i)
  const asked: string[] = []
  const fetch = (_: string | URL | Request, init?: RequestInit) => {
    const range = new Headers(init?.headers).get('range')!
    asked.push(range)
    const [a, b] = range.slice(6).split('-').map(Number)
    return Promise.resolve(new Response(file.slice(a, b + 1), { status: 206 }))
  }
  const buffer = new ExportTailBuffer(
    'http://s/x?Signature=k',
    { byteLength: 100, start: 60, bytes: file.slice(60) },
    fetch,
  )
  assert.deepEqual(new Uint8Array(await buffer.slice(70, 75)), file.slice(70, 75))
  assert.deepEqual(asked, [], 'inside the tail: no request')
  assert.deepEqual(new Uint8Array(await buffer.slice(50, 65)), file.slice(50, 65))
  assert.deepEqual(new Uint8Array(await buffer.slice(10, 20)), file.slice(10, 20))
  assert.deepEqual(asked, ['bytes=50-59', 'bytes=10-19'])
})
