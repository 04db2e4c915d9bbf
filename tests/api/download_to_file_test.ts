import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  downloadToFile,
  failDownload,
  transferDeadline,
  verifyingStream,
} from '../../src/api/download_to_file.ts'
import type { GraphqlTransport } from '../../src/api/transport.ts'
import { tempDir } from '../bulk/_project.ts'

const BODY = new TextEncoder().encode('model weights '.repeat(1000))
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('base64')

/** A server answering `/ok` with BODY, `/cut-once` cut short on its first request, `/denied` 403. */
async function withFiles(fn: (base: string, hits: Map<string, number>) => Promise<void>) {
  const hits = new Map<string, number>()
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url!, 'http://x').pathname
    hits.set(path, (hits.get(path) ?? 0) + 1)
    if (path === '/denied') {
      res.writeHead(403).end('<Error><Code>AccessDenied</Code></Error>')
    } else if (path === '/cut-once' && hits.get(path) === 1) {
      res.writeHead(200, { 'content-length': BODY.length })
      res.write(BODY.subarray(0, 100))
      setTimeout(() => res.destroy(), 20)
    } else res.writeHead(200, { 'content-length': BODY.length }).end(BODY)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    await fn(`http://127.0.0.1:${(server.address() as { port: number }).port}`, hits)
  } finally {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
}

/** The part of a transport downloads use: a credential-free fetch and no deadline limits. */
const transport = {
  fetchUrl: (url: string, init: RequestInit) => fetch(url, init),
  limits: undefined,
} as unknown as GraphqlTransport

test('transferDeadline is the grace plus the size at the floor rate', () => {
  const limits = { downloadMinBytesPerSecond: 1000, downloadGraceMs: 5000 }
  assert.equal(transferDeadline(2000, limits, 10_000), 17_000)
  assert.equal(transferDeadline(undefined, limits, 10_000), 15_000)
})

test('verifyingStream passes matching bytes and errors on a wrong md5, a short or a long body', async () => {
  const run = (check: Parameters<typeof verifyingStream>[0], bytes = BODY) =>
    new Response(new Response(bytes).body!.pipeThrough(verifyingStream(check, 'model.bin')))
      .arrayBuffer()
  assert.equal((await run({ md5Base64: md5(BODY), size: BODY.length })).byteLength, BODY.length)
  await assert.rejects(
    run({ md5Base64: md5(new Uint8Array(1)) }),
    /the md5 is .* but the server listed/,
  )
  await assert.rejects(
    run({ size: BODY.length + 5 }),
    /the size is 14000 but the server listed 14005/,
  )
  await assert.rejects(run({ size: 10 }), /sent more than the listed 10 bytes/)
})

test('downloadToFile saves the file, skips an identical one and refuses a different one unless replace', async () => {
  const { dir, cleanup } = tempDir('download-to-file')
  try {
    await withFiles(async (base, hits) => {
      const check = { md5Base64: md5(BODY), size: BODY.length }
      const first = await downloadToFile(transport, `${base}/ok`, dir, 'out/model.bin', check)
      assert.deepEqual(first, {
        path: join(dir, 'out', 'model.bin'),
        skipped: false,
        bytes: BODY.length,
      })
      assert.deepEqual(new Uint8Array(await readFile(first.path)), BODY)
      const again = await downloadToFile(transport, `${base}/ok`, dir, 'out/model.bin', check)
      assert.equal(again.skipped, true)
      assert.equal(hits.get('/ok'), 1, 'an identical file is not fetched again')
      await writeFile(first.path, 'something else')
      await assert.rejects(
        downloadToFile(transport, `${base}/ok`, dir, 'out/model.bin', check),
        /a different file is already there; pass replace: true/,
      )
      await downloadToFile(transport, `${base}/ok`, dir, 'out/model.bin', check, { replace: true })
      assert.deepEqual(new Uint8Array(await readFile(first.path)), BODY)
      assert.deepEqual(await readdir(join(dir, 'out')), ['model.bin'], 'no temporary file left')
      await assert.rejects(downloadToFile(transport, `${base}/ok`, dir, '../escape.bin', check))
    })
  } finally {
    cleanup()
  }
})

test('a body cut off mid-transfer is fetched again; an HTTP error names the file and the hint', async () => {
  const { dir, cleanup } = tempDir('download-retry')
  try {
    await withFiles(async (base, hits) => {
      const result = await downloadToFile(transport, `${base}/cut-once`, dir, 'a.bin', {
        md5Base64: md5(BODY),
        size: BODY.length,
      })
      assert.equal(result.bytes, BODY.length)
      assert.equal(hits.get('/cut-once'), 2)
      await assert.rejects(
        downloadToFile(transport, `${base}/denied?X-Amz-Signature=secret123`, dir, 'b.bin', {}),
        (err: Error) =>
          /Cannot download b\.bin from .*: HTTP 403/.test(err.message) &&
          /the signed URL may have expired/.test(err.message) && !err.message.includes('secret123'),
      )
      await assert.rejects(
        failDownload(new Response('', { status: 401 }), `${base}/x`, 'c.bin'),
        /HTTP 401; check WANDB_API_KEY/,
      )
    })
  } finally {
    cleanup()
  }
})
