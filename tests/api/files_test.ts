import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { apiFor, drain, ENTITY, PROJECT, RUN_ID, withServer } from './_setup.ts'
import { RunFile } from '../../src/api/file.ts'
import { WandbApiError } from '../../src/api/wandb_api_error.ts'
import type { TestServer } from '../server/test_server.ts'

const PATH = `${ENTITY}/${PROJECT}/${RUN_ID}`
const PNG = new Uint8Array(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256))
const EXTRA = [
  { name: 'media/images/chart.png', content: PNG },
  { name: 'notes.json', content: '{"ok": true}\n' },
]

const md5 = (bytes: Uint8Array | string) => createHash('md5').update(bytes).digest('base64')
const tempDir = () => mkdtemp(join(tmpdir(), 'wbx-files-'))

/** Files-origin requests so far. */
const fileHits = (server: TestServer) => server.requests.filter((r) => r.origin === 'files')

test('run.files lists every file with its metadata, paged by the last edge cursor', async () => {
  await withServer(async (server) => {
    const run = await apiFor(server).run(PATH)
    const files = await drain(run.files())
    assert.deepEqual(files.map((f) => f.name), [
      'config.yaml',
      'media/images/chart.png',
      'notes.json',
      'output.log',
      'requirements.txt',
      'wandb-metadata.json',
      'wandb-summary.json',
    ])
    const png = files[1]
    assert.equal(png.sizeBytes, 3000)
    assert.equal(png.size, 3000)
    assert.equal(png.md5, md5(PNG))
    assert.equal(png.mimetype, 'image/png')
    assert.equal(typeof png.updatedAt, 'string')
    assert.equal(png.url, `${server.baseUrl}/files/${PATH}/media/images/chart.png`)
    assert.ok(png.directUrl!.startsWith(server.filesOrigin + '/'))
    assert.deepEqual(Object.keys(png.toJSON()), [
      'id',
      'name',
      'url',
      'directUrl',
      'sizeBytes',
      'mimetype',
      'md5',
      'updatedAt',
    ])
    const reader = run.files({ perPage: 3 }).getReader()
    const sizes: number[] = []
    for (let r = await reader.read(); !r.done; r = await reader.read()) sizes.push(r.value.length)
    assert.deepEqual(sizes, [3, 3, 1])
    const pages = server.requests.filter((r) => r.operation === 'RunFiles').slice(-3).map((r) =>
      r.variables!
    )
    assert.equal(pages[0].fileCursor, null)
    assert.equal(pages[0].fileLimit, 3)
    assert.deepEqual(pages[0].fileNames, [])
    assert.equal(pages[0].upload, false)
    assert.ok(typeof pages[1].fileCursor === 'string')
  }, { files: EXTRA })
})

test('names and pattern select files; both together are a TypeError', async () => {
  await withServer(async (server) => {
    const run = await apiFor(server).run(PATH)
    const named = await drain(run.files({ names: ['output.log', 'notes.json'] }))
    assert.deepEqual(named.map((f) => f.name).sort(), ['notes.json', 'output.log'])
    const json = await drain(run.files({ pattern: '%.json' }))
    assert.deepEqual(json.map((f) => f.name), [
      'notes.json',
      'wandb-metadata.json',
      'wandb-summary.json',
    ])
    assert.throws(
      () => run.files({ names: ['a'], pattern: '%' }),
      (err: Error) =>
        err instanceof TypeError && /Cannot list files by both names and pattern/.test(err.message),
    )
    assert.equal((await run.file('notes.json')).sizeBytes, 13)
    await assert.rejects(run.file('missing.txt'), (err: unknown) => {
      assert.ok(err instanceof WandbApiError)
      assert.equal(err.code, 'not-found')
      assert.match(
        err.message,
        /^Cannot find file 'missing.txt' in run test-entity\/test-project\/run1/,
      )
      return true
    })
  }, { files: EXTRA })
})

test('download streams to the folder, skips an identical file, and replaces only on request', async () => {
  await withServer(async (server) => {
    const run = await apiFor(server).run(PATH)
    const dir = await tempDir()
    const png = await run.file('media/images/chart.png')
    const first = await png.download(dir)
    assert.deepEqual(first, {
      path: join(dir, 'media/images/chart.png'),
      skipped: false,
      bytes: 3000,
    })
    assert.deepEqual(new Uint8Array(await readFile(first.path)), PNG)
    const hits = fileHits(server).length
    assert.equal((await png.download(dir)).skipped, true)
    assert.equal(fileHits(server).length, hits, 'an identical file is not fetched again')
    await writeFile(first.path, 'changed')
    await assert.rejects(png.download(dir), /a different file is already there; pass replace: true/)
    assert.equal(await readFile(first.path, 'utf8'), 'changed')
    const replaced = await png.download(dir, { replace: true })
    assert.equal(replaced.skipped, false)
    assert.deepEqual(new Uint8Array(await readFile(first.path)), PNG)
    assert.deepEqual(
      (await readdir(join(dir, 'media/images'))).sort(),
      ['chart.png'],
      'no partial files left',
    )
    const text = await new Response(await (await run.file('notes.json')).stream()).text()
    assert.equal(text, '{"ok": true}\n')
  }, { files: EXTRA })
})

test('the API key goes to the API origin only: never to the files origin, never in a URL', async () => {
  await withServer(async (server) => {
    const run = await apiFor(server).run(PATH)
    const dir = await tempDir()
    for (const f of await drain(run.files())) await f.download(dir)
    await (await drain(run.loggedArtifacts()))[0].download(dir)
    const auth = `Basic ${btoa(`api:${server.apiKey}`)}`
    const files = fileHits(server)
    assert.ok(files.length >= 8, `expected downloads on the files origin, saw ${files.length}`)
    for (const r of files) {
      assert.equal(r.headers.authorization, undefined, `${r.path} got credentials`)
    }
    const apiFiles = server.requests.filter((r) =>
      r.origin === 'api' && r.path.startsWith('/files/')
    )
    assert.ok(apiFiles.length >= 7)
    for (const r of apiFiles) assert.equal(r.headers.authorization, auth)
    for (const r of server.requests) {
      assert.ok(!r.url.includes(server.apiKey))
      assert.ok(!JSON.stringify(r.headers).includes(server.apiKey))
    }
  }, { files: EXTRA, loggedArtifacts: [{ name: 'ds' }] })
})

test('an md5 mismatch fails the download and leaves nothing behind; stream() errors at its end', async () => {
  await withServer(async (server) => {
    // Flip one byte of every files-origin body, keeping the length.
    const tampering = async (input: string | URL | Request, init?: RequestInit) => {
      const res = await fetch(input, init)
      if (!String(input).startsWith(server.filesOrigin) || !res.ok) return res
      const bytes = new Uint8Array(await res.arrayBuffer())
      bytes[0] ^= 0xff
      return new Response(bytes, { status: res.status, headers: res.headers })
    }
    const run = await apiFor(server, { fetch: tampering as typeof fetch }).run(PATH)
    const dir = await tempDir()
    const png = await run.file('media/images/chart.png')
    await assert.rejects(png.download(dir), (err: unknown) => {
      assert.ok(err instanceof WandbApiError)
      assert.equal(err.code, 'download')
      assert.match(
        err.message,
        /^Cannot accept media\/images\/chart.png: the md5 is \S+ but the server listed \S+; the transfer was corrupted/,
      )
      return true
    })
    assert.deepEqual(await readdir(join(dir, 'media/images')), [])
    await assert.rejects(new Response(await png.stream()).arrayBuffer(), /the md5 is/)
  }, { files: EXTRA })
})

test('a truncated file body is fetched again; a refused signed URL fails at once without its signature', async () => {
  await withServer(async (server) => {
    const run = await apiFor(server).run(PATH)
    const dir = await tempDir()
    server.fault({ kind: 'truncate', origin: 'files' })
    const got = await (await run.file('media/images/chart.png')).download(dir)
    assert.equal((await stat(got.path)).size, 3000)
    assert.equal(fileHits(server).length, 2)
    server.fault({ kind: 'status', status: 403, origin: 'files' })
    await assert.rejects((await run.file('notes.json')).download(dir), (err: unknown) => {
      assert.ok(err instanceof WandbApiError)
      assert.equal(err.status, 403)
      assert.match(
        err.message,
        /^Cannot download notes.json from http:\/\/127\.0\.0\.1:\d+\/\S+: HTTP 403/,
      )
      assert.doesNotMatch(
        err.message,
        /Signature=|Expires=/,
        'the signed query string stays out of the message',
      )
      return true
    })
    assert.equal(fileHits(server).filter((r) => r.status === 403).length, 1)
  }, { files: EXTRA })
})

test('a file body that stalls mid-transfer times out and is fetched again', async () => {
  await withServer(async (server) => {
    const run = await apiFor(server, { timeoutMs: 300 }).run(PATH)
    const dir = await tempDir()
    server.fault({ kind: 'slow', origin: 'files', stallBody: true, delayMs: 10_000 })
    const started = Date.now()
    const got = await (await run.file('media/images/chart.png')).download(dir)
    assert.deepEqual(new Uint8Array(await readFile(got.path)), PNG)
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`)
    assert.equal(fileHits(server).length, 2)
  }, { files: EXTRA })
})

test('names that would escape the folder are rejected before any request', async () => {
  await withServer(async (server) => {
    const api = apiFor(server)
    const dir = await tempDir()
    const before = server.requests.length
    for (
      const name of [
        '../escape.txt',
        '/etc/passwd',
        'a/../../b.txt',
        '..\\win.txt',
        'C:/x.txt',
        './x',
        '',
        'a\0b',
      ]
    ) {
      const file = new RunFile(api.transport, {
        name,
        url: `${server.baseUrl}/files/${PATH}/notes.json`,
        md5: null,
      })
      await assert.rejects(file.download(dir), (err: Error) => {
        assert.match(
          err.message,
          /^Cannot download '.*' into .*: .*; the server-provided name would escape the target folder/,
        )
        return true
      }, JSON.stringify(name))
    }
    assert.equal(server.requests.length, before)
    // A symbolic link inside the folder must not redirect the write elsewhere.
    const outside = await tempDir()
    await symlink(outside, join(dir, 'link'))
    const viaLink = new RunFile(api.transport, {
      name: 'link/notes.json',
      url: `${server.baseUrl}/files/${PATH}/notes.json`,
    })
    await assert.rejects(
      viaLink.download(dir),
      /link is a symbolic link; remove it or choose another folder/,
    )
    assert.deepEqual(await readdir(outside), [])
  }, { files: EXTRA })
})
