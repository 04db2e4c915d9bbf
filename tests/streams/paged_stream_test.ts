/** Cursor paging as a pull stream: one page ahead at most, empty pages skipped, endless paging stopped. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { collect, type Page, pagedStream } from '../../src/streams/paged_stream.ts'

/** A connection of `pages` (item lists), answered by cursor `'1'`, `'2'`, ...; records each ask. */
function server(pages: number[][]) {
  const asked: (string | undefined)[] = []
  const fetchPage = (cursor: string | undefined): Promise<Page<number>> => {
    asked.push(cursor)
    const i = cursor === undefined ? 0 : Number(cursor)
    const next = i + 1 < pages.length ? String(i + 1) : undefined
    return Promise.resolve({ items: pages[i], next })
  }
  return { asked, fetchPage }
}

test('nothing is fetched before a read, and at most one page beyond the one delivered', async () => {
  const s = server([[1, 2], [3], [4, 5], [6]])
  const settle = () => new Promise((resolve) => setTimeout(resolve, 30))
  const reader = pagedStream(s.fetchPage, { maxPagesPerSecond: 1000 }).getReader()
  await settle()
  assert.deepEqual(s.asked, [])
  assert.deepEqual((await reader.read()).value, [1, 2])
  await settle()
  assert.deepEqual(s.asked, [undefined, '1'])
  assert.deepEqual((await reader.read()).value, [3])
  await settle()
  assert.deepEqual(s.asked, [undefined, '1', '2'])
  await reader.cancel()
})

test('empty pages are skipped while a cursor is given; collect reads everything', async () => {
  const s = server([[], [1], [], [], [2, 3]])
  assert.deepEqual(await collect(pagedStream(s.fetchPage, { maxPagesPerSecond: 1000 })), [1, 2, 3])
})

test('a cursor that comes back ends the stream with an error naming what was listed', async () => {
  const fetchPage = (cursor: string | undefined): Promise<Page<number>> =>
    Promise.resolve({ items: [1], next: cursor === 'a' ? 'b' : 'a' })
  await assert.rejects(
    collect(pagedStream(fetchPage, { label: 'runs of e/p', maxPagesPerSecond: 1000 })),
    /Cannot list runs of e\/p: the server keeps paging \(cursor 'a' came back\) after 3 pages/,
  )
})
