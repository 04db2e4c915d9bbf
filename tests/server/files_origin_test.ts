import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { RUN_FILES_QUERY } from '../../src/api/queries.ts'
import { startTestServer, type TestServer, type TestServerOptions } from './test_server.ts'
import type { RunSeed } from './run_seed.ts'
import { basicAuth, gqlData } from './_client.ts'
import { parseRange } from './files_origin.ts'

const CONTENT = '0123456789abcdefghij'
const SEED: RunSeed = {
  entity: 'e',
  project: 'p',
  id: 'f1',
  files: [
    { name: 'config.yaml', content: 'a: 1\n' },
    { name: 'data.txt', content: CONTENT },
    { name: 'media/images/x_1.png', content: new Uint8Array([137, 80, 78, 71]) },
    { name: 'wandb-metadata.json', content: '{"host":"h"}' },
    { name: 'wandb-summary.json', content: '{}' },
  ],
}

async function withServer(
  fn: (s: TestServer) => Promise<void>,
  options: TestServerOptions = {},
): Promise<void> {
  const server = await startTestServer({ runs: [SEED], ...options })
  try {
    await fn(server)
  } finally {
    await server.stop()
  }
}

interface FileNode {
  name: string
  url: string
  directUrl: string
  sizeBytes: number
  md5: string
  mimetype: string
}

async function listFiles(s: TestServer, extra: Record<string, unknown> = {}) {
  const vars = {
    entity: 'e',
    project: 'p',
    name: 'f1',
    fileNames: [],
    upload: false,
    pattern: null,
    fileLimit: 50,
    fileCursor: null,
    ...extra,
  }
  const run = (await gqlData(s, RUN_FILES_QUERY.document, vars)).project.run
  return { run, nodes: run.files.edges.map((e: { node: FileNode }) => e.node) as FileNode[] }
}

async function fileNode(s: TestServer, name: string): Promise<FileNode> {
  return (await listFiles(s, { fileNames: [name] })).nodes[0]
}

test('RunFiles lists by name, by LIKE pattern, and pages by the last edge cursor', async () => {
  await withServer(async (s) => {
    const all = await listFiles(s)
    assert.equal(all.run.fileCount, 5)
    assert.deepEqual(all.nodes.map((n) => n.name), SEED.files!.map((f) => f.name))
    const png = all.nodes[2]
    assert.equal(png.mimetype, 'image/png')
    assert.equal(png.sizeBytes, 4)
    assert.equal(
      png.md5,
      createHash('md5').update(new Uint8Array([137, 80, 78, 71])).digest('base64'),
    )
    const json = await listFiles(s, { pattern: 'wandb-%.json' })
    assert.deepEqual(json.nodes.map((n) => n.name), ['wandb-metadata.json', 'wandb-summary.json'])
    assert.equal(json.run.fileCount, 5, 'fileCount counts every file of the run')
    const named = await listFiles(s, { fileNames: ['data.txt', 'missing.txt'] })
    assert.deepEqual(named.nodes.map((n) => n.name), ['data.txt'])
    const first = await listFiles(s, { fileLimit: 2 })
    assert.deepEqual(first.nodes.map((n) => n.name), ['config.yaml', 'data.txt'])
    assert.equal(first.run.files.pageInfo.hasNextPage, true)
    const next = await listFiles(s, { fileLimit: 2, fileCursor: first.run.files.edges[1].cursor })
    assert.deepEqual(next.nodes.map((n) => n.name), ['media/images/x_1.png', 'wandb-metadata.json'])
  })
})

test('directUrl serves the bytes from the files origin with storage headers', async () => {
  await withServer(async (s) => {
    const node = await fileNode(s, 'data.txt')
    assert.ok(node.directUrl.startsWith(`${s.filesOrigin}/wandb-files/e/p/f1/data.txt?Expires=`))
    const res = await fetch(node.directUrl)
    assert.equal(res.status, 200)
    assert.equal(await res.text(), CONTENT)
    assert.equal(res.headers.get('content-length'), '20')
    assert.equal(res.headers.get('accept-ranges'), 'bytes')
    assert.equal(res.headers.get('x-goog-hash'), `md5=${node.md5}`)
    assert.equal(res.headers.get('etag'), `"${createHash('md5').update(CONTENT).digest('hex')}"`)
  })
})

test('url lives on the API origin: 401 without the key, else a redirect to the signed URL', async () => {
  await withServer(async (s) => {
    const node = await fileNode(s, 'data.txt')
    assert.equal(node.url, `${s.baseUrl}/files/e/p/f1/data.txt`)
    const anonymous = await fetch(node.url, { redirect: 'manual' })
    assert.equal(anonymous.status, 401)
    await anonymous.body?.cancel()
    const res = await fetch(node.url, {
      redirect: 'manual',
      headers: { authorization: basicAuth(s.apiKey) },
    })
    assert.equal(res.status, 302)
    await res.body?.cancel()
    const location = res.headers.get('location')!
    assert.ok(location.startsWith(`${s.filesOrigin}/wandb-files/e/p/f1/data.txt?`), location)
    assert.equal(await (await fetch(location)).text(), CONTENT)
    const missing = await fetch(`${s.baseUrl}/files/e/p/f1/nope.txt`, {
      headers: { authorization: basicAuth(s.apiKey) },
    })
    assert.equal(missing.status, 404)
    await missing.body?.cancel()
  })
})

test('Range requests: closed, open-ended, suffix, unsatisfiable, multi-range; HEAD', async () => {
  await withServer(async (s) => {
    const url = (await fileNode(s, 'data.txt')).directUrl
    const get = async (range: string) => {
      const res = await fetch(url, { headers: { range } })
      return { status: res.status, range: res.headers.get('content-range'), body: await res.text() }
    }
    assert.deepEqual(await get('bytes=2-5'), { status: 206, range: 'bytes 2-5/20', body: '2345' })
    assert.deepEqual(await get('bytes=15-'), {
      status: 206,
      range: 'bytes 15-19/20',
      body: 'fghij',
    })
    assert.deepEqual(await get('bytes=-3'), { status: 206, range: 'bytes 17-19/20', body: 'hij' })
    assert.deepEqual(await get('bytes=18-99'), { status: 206, range: 'bytes 18-19/20', body: 'ij' })
    const beyond = await get('bytes=20-')
    assert.equal(beyond.status, 416)
    assert.equal(beyond.range, 'bytes */20')
    assert.deepEqual(await get('bytes=0-1,4-5'), { status: 200, range: null, body: CONTENT })
    const head = await fetch(url, { method: 'HEAD' })
    assert.equal(head.status, 200)
    assert.equal(head.headers.get('content-length'), '20')
    assert.equal(await head.text(), '')
  })
})

test('signatures: tampered and missing ones are refused with 403, an old URL of a replaced run with 404', async () => {
  await withServer(async (s) => {
    const url = new URL((await fileNode(s, 'data.txt')).directUrl)
    const tampered = new URL(url)
    tampered.pathname = '/wandb-files/e/p/f1/config.yaml'
    const bad = await fetch(tampered)
    assert.equal(bad.status, 403)
    assert.match(await bad.text(), /<Code>SignatureDoesNotMatch<\/Code>/)
    const bare = await fetch(`${url.origin}${url.pathname}`)
    assert.equal(bare.status, 403)
    assert.match(await bare.text(), /<Code>AccessDenied<\/Code>/)
    s.addRun({ ...SEED, files: [] })
    const gone = await fetch(url)
    assert.equal(gone.status, 404)
    assert.match(await gone.text(), /<Code>NoSuchKey<\/Code>/)
  })
})

test('signed URLs expire after their lifetime (400 ExpiredToken)', async () => {
  let now = Date.UTC(2025, 0, 1)
  await withServer(async (s) => {
    const url = (await fileNode(s, 'data.txt')).directUrl
    assert.equal((await fetch(url)).status, 200)
    now += 61_000
    const res = await fetch(url)
    assert.equal(res.status, 400)
    assert.match(await res.text(), /<Code>ExpiredToken<\/Code>/)
  }, { signedUrlTtlSeconds: 60, now: () => now })
})

test('with GET-only signatures, HEAD is refused (403) while GET works', async () => {
  await withServer(async (s) => {
    const url = (await fileNode(s, 'data.txt')).directUrl
    assert.equal((await fetch(url, { method: 'HEAD' })).status, 403)
    const res = await fetch(url, { headers: { range: 'bytes=0-3' } })
    assert.equal(res.status, 206)
    assert.equal(await res.text(), '0123')
  }, { signedUrlHead: false })
})

test('suffix ranges as GCS and S3 answer them: longer than the object gives it whole, an empty object 416', async () => {
  assert.deepEqual(parseRange('bytes=-1048576', 20), [0, 19])
  assert.deepEqual(parseRange('bytes=-20', 20), [0, 19])
  assert.deepEqual(parseRange('bytes=-1', 20), [19, 19])
  assert.equal(parseRange('bytes=-8', 0), 'unsatisfiable')
  assert.equal(parseRange('bytes=-0', 20), 'unsatisfiable')
  await withServer(async (s) => {
    const url = (await fileNode(s, 'data.txt')).directUrl
    const res = await fetch(url, { headers: { range: 'bytes=-1048576' } })
    assert.equal(res.status, 206)
    assert.equal(res.headers.get('content-range'), 'bytes 0-19/20')
    assert.equal(await res.text(), CONTENT)
  })
})
