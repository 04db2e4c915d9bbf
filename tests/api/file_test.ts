import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { RunFile } from '../../src/api/file.ts'
import type { GraphqlTransport } from '../../src/api/transport.ts'

const md5 = (text: string) => createHash('md5').update(text).digest('base64')

/** A transport whose fetchUrl answers every URL with `response()`, recording the URLs. */
function transport(response: () => Response) {
  const urls: string[] = []
  const t = {
    limits: undefined,
    fetchUrl(url: string) {
      urls.push(url)
      return Promise.resolve(response())
    },
  }
  return { t: t as unknown as GraphqlTransport, urls }
}

const node = (over: Record<string, unknown> = {}) => ({
  id: 'RmlsZTox',
  name: 'config.yaml',
  url: 'https://api.example/files/e/p/r/config.yaml',
  directUrl: 'https://bucket.s3.us-west-2.amazonaws.com/wandb/config.yaml?X-Amz-Signature=s',
  sizeBytes: 5,
  mimetype: 'application/x-yaml',
  md5: md5('hello'),
  updatedAt: '2024-05-01T00:00:00',
  ...over,
})

test('RunFile reads a RunFiles node and serialises its metadata', () => {
  const file = new RunFile(transport(() => new Response('')).t, node(), 'e/p/r')
  assert.equal(file.size, 5)
  assert.equal(file.runPath, 'e/p/r')
  assert.deepEqual(file.toJSON(), { ...node(), sizeBytes: 5 })
  const odd = new RunFile(transport(() => new Response('')).t, node({ sizeBytes: 'x', md5: null }))
  assert.equal(odd.sizeBytes, 0)
  assert.equal(odd.md5, undefined)
})

test('pathUri is s3://bucket/key for S3, the direct URL for references, else empty', () => {
  const t = transport(() => new Response('')).t
  assert.equal(new RunFile(t, node()).pathUri, 's3://bucket/wandb/config.yaml')
  const ref = 'https://example.org/data.csv'
  assert.equal(new RunFile(t, node({ url: ref, directUrl: ref })).pathUri, ref)
  assert.equal(
    new RunFile(t, node({ directUrl: 'https://storage.googleapis.com/b/k' })).pathUri,
    '',
  )
  assert.equal(new RunFile(t, node({ directUrl: null })).pathUri, '')
})

test('stream passes the verified bytes through from the url', async () => {
  const { t, urls } = transport(() => new Response('hello'))
  const file = new RunFile(t, node(), 'e/p/r')
  assert.equal(await new Response(await file.stream()).text(), 'hello')
  assert.deepEqual(urls, [node().url])
})

test('stream errors at the end on an md5 mismatch and past the listed size, naming the file', async () => {
  const bad = new RunFile(transport(() => new Response('HELLO')).t, node(), 'e/p/r')
  await assert.rejects(new Response(await bad.stream()).text(), {
    name: 'WandbApiError',
    message: `Cannot accept config.yaml of e/p/r: the md5 is ${
      md5('HELLO')
    } but the server listed ${
      md5('hello')
    }; the transfer was corrupted or the file changed, try again`,
  })
  const long = new RunFile(transport(() => new Response('hello world')).t, node(), 'e/p/r')
  await assert.rejects(new Response(await long.stream()).text(), {
    name: 'WandbApiError',
    message: /^Cannot accept config\.yaml of e\/p\/r: the server sent more than the listed 5 bytes/,
  })
})

test('a non-2xx answer and a file without URL are refused with what to do', async () => {
  const gone = new RunFile(transport(() => new Response('expired', { status: 403 })).t, node())
  await assert.rejects(gone.stream(), (err: unknown) => {
    assert.ok(err instanceof Error)
    assert.equal(err.name, 'WandbApiError')
    assert.equal((err as { status?: number }).status, 403)
    assert.match(
      err.message,
      /^Cannot download config\.yaml from .*: HTTP 403: expired; the signed URL may have expired/,
    )
    return true
  })
  const pending = new RunFile(
    transport(() => new Response('')).t,
    node({ url: null, directUrl: null }),
  )
  await assert.rejects(pending.stream(), {
    message: 'Cannot download config.yaml: the server listed no URL for it; is it still uploading?',
  })
})
