import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { RunFile } from '../../src/api/file.ts'
import { openRunFile, refusedUrl } from '../../src/api/open_run_file.ts'
import { WandbApiError } from '../../src/api/wandb_api_error.ts'

/** A storage refusal of a signed URL, as `RunFile.stream` rejects with it. */
function refusal(status: number): WandbApiError {
  return new WandbApiError(`download refused: ${status}`, {
    code: 'http',
    status,
    operation: 'download',
  })
}

/** A RunFile whose stream gives `text`, or rejects with `err`; counts its opens. */
function fakeFile(outcome: string | Error, opens: { n: number }): RunFile {
  return {
    stream: () => {
      opens.n++
      if (outcome instanceof Error) return Promise.reject(outcome)
      return Promise.resolve(new Response(outcome).body as ReadableStream<Uint8Array>)
    },
  } as unknown as RunFile
}

test('refusedUrl: a download answered 401, 403 or 400, nothing else', () => {
  for (const status of [400, 401, 403]) assert.equal(refusedUrl(refusal(status)), true)
  assert.equal(refusedUrl(refusal(404)), false)
  assert.equal(
    refusedUrl(new WandbApiError('x', { code: 'http', status: 403, operation: 'RunFiles' })),
    false,
  )
  assert.equal(refusedUrl(new Error('403')), false)
})

test('openRunFile refreshes a refused signed URL once and reads the fresh one', async () => {
  const opens = { n: 0 }
  let refetched = 0
  const stream = await openRunFile(fakeFile(refusal(403), opens), () => {
    refetched++
    return Promise.resolve(fakeFile('fresh bytes', opens))
  })
  assert.equal(await new Response(stream).text(), 'fresh bytes')
  assert.deepEqual([opens.n, refetched], [2, 1])
})

test('openRunFile: a second refusal rejects, and another error is not retried', async () => {
  const opens = { n: 0 }
  await assert.rejects(
    openRunFile(
      fakeFile(refusal(403), opens),
      () => Promise.resolve(fakeFile(refusal(403), opens)),
    ),
    /download refused: 403/,
  )
  assert.equal(opens.n, 2)
  let refetched = 0
  await assert.rejects(
    openRunFile(fakeFile(refusal(500), opens), () => {
      refetched++
      return Promise.resolve(fakeFile('never', opens))
    }),
    /download refused: 500/,
  )
  assert.equal(refetched, 0)
})
