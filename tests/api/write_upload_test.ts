import process from 'node:process'
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { apiFor, drain, ENTITY, PROJECT, RUN_ID, withServer } from './_setup.ts'
import { WandbApiError } from '../../src/api/wandb_api_error.ts'
import { fileStream } from '../../src/api/upload_file.ts'
import { uploadFetch } from '../../src/runtime.ts'
import type { TestServer } from '../server/test_server.ts'
import type { RetryEvent } from '../../src/http/retrying_fetch.ts'

const PATH = `${ENTITY}/${PROJECT}/${RUN_ID}`

/** A temporary folder with `files` written into it; removed after `fn`. */
async function withDir(
  files: Record<string, Uint8Array | string>,
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-upload-'))
  try {
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true })
      writeFileSync(join(dir, name), content)
    }
    await fn(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Base64 MD5, as W&B reports file hashes. */
function md5(bytes: Uint8Array | string): string {
  return createHash('md5').update(bytes).digest('base64')
}

/** The names of the run's files on the server. */
function storedNames(server: TestServer): string[] {
  return [...server.store.run(ENTITY, PROJECT, RUN_ID)!.files.keys()].sort()
}

test('uploadFile streams a file to the signed URL and returns it as the server lists it', async () => {
  const big = randomBytes(3 * 1024 * 1024 + 17)
  await withDir({ 'out/model.bin': big, 'notes.txt': 'hello\n' }, async (dir) => {
    await withServer(async (server) => {
      const api = apiFor(server)
      const run = await api.run(PATH)
      const file = await run.uploadFile(join(dir, 'out/model.bin'), { root: dir })
      assert.equal(file.name, 'out/model.bin')
      assert.equal(file.size, big.byteLength)
      assert.equal(file.md5, md5(big))
      const put = server.requests.find((r) => r.method === 'PUT')!
      assert.equal(put.origin, 'files')
      assert.equal(put.status, 200)
      assert.match(put.headers['x-wbx-upload-token'], /^[0-9a-f]{32}$/, 'upload header sent')
      assert.equal(put.headers.authorization, undefined, 'no API key on the storage origin')
      assert.equal(put.headers['content-length'], String(big.byteLength), 'sized, not chunked')
      assert.equal(put.headers['transfer-encoding'], undefined)
      // the bytes round-trip through a fresh read and a download
      const fresh = await api.run(PATH)
      const listed = (await drain(fresh.files())).find((f) => f.name === 'out/model.bin')!
      const body = new Uint8Array(await new Response(await listed.stream()).arrayBuffer())
      assert.equal(md5(body), md5(big))
      // root defaults to the working directory
      const rel = relative(process.cwd(), join(dir, 'notes.txt'))
      if (!rel.startsWith('..')) {
        const notes = await run.uploadFile(rel)
        assert.equal(notes.name, rel.split('\\').join('/'))
      }
    })
  })
})

test('uploadFile refuses a missing path, a folder and a path outside root before sending anything', async () => {
  await withDir({ 'a/b.txt': 'b' }, async (dir) => {
    await withServer(async (server) => {
      const run = await apiFor(server).run(PATH)
      const before = server.requests.length
      await assert.rejects(
        run.uploadFile(join(dir, 'missing.txt'), { root: dir }),
        /Cannot upload .*missing\.txt: no such file/,
      )
      await assert.rejects(run.uploadFile(join(dir, 'a'), { root: dir }), /not a regular file/)
      await assert.rejects(
        run.uploadFile(join(dir, 'a/b.txt'), { root: join(dir, 'a', 'c') }),
        /is not inside the root folder/,
      )
      await assert.rejects(run.uploadFile(dir, { root: dir }), /is not inside the root folder/)
      assert.equal(server.requests.length, before)
    })
  })
})

test('a failed upload PUT leaves no file on the run and commits nothing', async () => {
  await withDir({ 'f.txt': 'payload' }, async (dir) => {
    await withServer(async (server) => {
      const run = await apiFor(server, { retries: 2 }).run(PATH)
      const names = storedNames(server)
      // a refusal from storage (not retried)
      server.fault({ kind: 'status', status: 403, origin: 'files', method: 'PUT' })
      const refused = await run.uploadFile(join(dir, 'f.txt'), { root: dir })
        .then(() => undefined, (e) => e)
      assert.ok(refused instanceof WandbApiError)
      assert.equal(refused.status, 403)
      assert.match(refused.message, /storage answered HTTP 403 .*the file was not added to the run/)
      assert.doesNotMatch(refused.message, /Signature=/, 'no signed query string in the message')
      // the connection cut mid-body on every attempt
      server.fault({ kind: 'drop', origin: 'files', method: 'PUT', count: 3 })
      await assert.rejects(
        run.uploadFile(join(dir, 'f.txt'), { root: dir }),
        /gave up after 3 attempts.*not added to the run/,
      )
      assert.deepEqual(storedNames(server), names)
      assert.equal(
        (await drain((await apiFor(server).run(PATH)).files())).some((f) => f.name === 'f.txt'),
        false,
      )
    })
  })
})

test('with MARK_RUN_FILES_UPLOADED the file joins the run only after the mark; a failed PUT is never marked', async () => {
  await withDir({ 'f.txt': 'payload', 'g.txt': 'second' }, async (dir) => {
    await withServer(
      async (server) => {
        let beforeMark: boolean | undefined
        const watching: typeof fetch = (input, init) => {
          if (String(init?.body ?? '').includes('mutation MarkRunFilesUploaded')) {
            beforeMark = server.store.run(ENTITY, PROJECT, RUN_ID)!.files.has('g.txt')
          }
          return uploadFetch(input, init)
        }
        const run = await apiFor(server, { retries: 0, fetch: watching }).run(PATH)
        server.fault({ kind: 'status', status: 500, origin: 'files', method: 'PUT' })
        const before = server.requests.length
        await assert.rejects(
          run.uploadFile(join(dir, 'f.txt'), { root: dir }),
          /gave up after 1 attempt/,
        )
        const ops = server.requests.slice(before).map((r) => r.operation ?? r.method)
        assert.deepEqual(ops, ['CreateRunFiles', 'PUT'])
        assert.equal(server.store.run(ENTITY, PROJECT, RUN_ID)!.files.has('f.txt'), false)
        const mid = server.requests.length
        const file = await run.uploadFile(join(dir, 'g.txt'), { root: dir })
        assert.equal(file.md5, md5('second'))
        assert.equal(beforeMark, false, 'uploaded but not on the run until marked')
        const ops2 = server.requests.slice(mid).map((r) => r.operation ?? r.method)
        assert.deepEqual(ops2, [
          'CreateRunFiles',
          'PUT',
          'ServerFeaturesQuery',
          'MarkRunFilesUploaded',
          'RunFiles',
        ])
      },
      {},
      [],
      { features: [{ name: 'MARK_RUN_FILES_UPLOADED', isEnabled: true }] },
    )
  })
})

test('a 503 on the PUT is retried with the file streamed again; the run gets it once', async () => {
  const content = randomBytes(600 * 1024)
  await withDir({ 'w.bin': content }, async (dir) => {
    await withServer(async (server) => {
      const run = await apiFor(server).run(PATH)
      server.fault({ kind: 'status', status: 503, origin: 'files', method: 'PUT', count: 2 })
      const file = await run.uploadFile(join(dir, 'w.bin'), { root: dir })
      assert.equal(file.md5, md5(content))
      const puts = server.requests.filter((r) => r.method === 'PUT').map((r) => r.status)
      assert.deepEqual(puts, [503, 503, 200])
    })
  })
})

test("an upload's retries are reported through the Api's onRetry, like every other retry", async () => {
  await withDir({ 'r.txt': 'retry me' }, async (dir) => {
    await withServer(async (server) => {
      const events: RetryEvent[] = []
      const run = await apiFor(server, { onRetry: (e) => events.push(e) }).run(PATH)
      server.fault({ kind: 'status', status: 503, origin: 'files', method: 'PUT', count: 2 })
      await run.uploadFile(join(dir, 'r.txt'), { root: dir })
      assert.deepEqual(events.map((e) => [e.status, e.detail, e.attempt, e.maxAttempts]), [
        [503, 'HTTP 503', 1, 21],
        [503, 'HTTP 503', 2, 21],
      ])
      assert.ok(events.every((e) => e.url.startsWith(server.filesOrigin) && !e.url.includes('?')))
    })
  })
})

test('uploads to a read-only run or an unknown run are refused before any bytes move', async () => {
  await withDir({ 'f.txt': 'x' }, async (dir) => {
    await withServer(
      async (server) => {
        const api = apiFor(server)
        const run = await api.run(PATH)
        await assert.rejects(
          run.uploadFile(join(dir, 'f.txt'), { root: dir }),
          (e: WandbApiError) => e.status === 403,
        )
        const other = await api.run(`${ENTITY}/${PROJECT}/gone`)
        server.store.project(ENTITY, PROJECT)!.runs.delete('gone')
        await assert.rejects(
          other.uploadFile(join(dir, 'f.txt'), { root: dir }),
          /Cannot upload f\.txt to .*gone: the server knows no such run/,
        )
        assert.equal(server.requests.some((r) => r.method === 'PUT'), false)
      },
      { readOnly: true },
      [{ id: 'gone' }],
    )
  })
})

test('fileStream reads a file in bounded chunks and closes it when cancelled', async () => {
  const content = randomBytes(1024 * 1024 + 3)
  await withDir({ 'c.bin': content }, async (dir) => {
    const reader = fileStream(join(dir, 'c.bin')).getReader()
    const first = await reader.read()
    assert.equal(first.value!.byteLength, 256 * 1024)
    await reader.cancel()
    const all = new Uint8Array(await new Response(fileStream(join(dir, 'c.bin'))).arrayBuffer())
    assert.equal(md5(all), md5(content))
  })
})
