import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CsvSpool } from '../../src/export/csv_spool.ts'

const enc = (s: string) => new TextEncoder().encode(s)

async function replay(spool: CsvSpool, width: number, eol: string, chunkSplit = false) {
  const parts: Uint8Array[] = []
  await spool.replay({ push: (b) => (parts.push(b), Promise.resolve()) }, width, eol)
  const text = parts.map((p) => new TextDecoder().decode(p)).join('')
  return chunkSplit ? { text, parts } : text
}

test('CsvSpool pads earlier records to the final width and keeps quoted newlines', async () => {
  const spool = new CsvSpool(1 << 20, undefined)
  await spool.append(enc('1,2\n3,4\n'), 2, 2)
  await spool.append(enc('"a\nb",5,6\n'), 1, 3)
  await spool.append(enc('7,8,9,10\n'), 1, 4)
  assert.equal(await replay(spool, 4, '\r\n'), '1,2,,\r\n3,4,,\r\n"a\nb",5,6,\r\n7,8,9,10\r\n')
  await spool.dispose()
})

test('CsvSpool passes bytes through unchanged when nothing needs rewriting', async () => {
  const spool = new CsvSpool(1 << 20, undefined)
  const bytes = enc('1,2\n3,4\n')
  await spool.append(bytes, 2, 2)
  const { parts } = await replay(spool, 2, '\n', true) as { parts: Uint8Array[] }
  assert.equal(parts[0], bytes)
})

test('CsvSpool writes an empty one-field record as "" so it is not a blank line', async () => {
  const spool = new CsvSpool(1 << 20, undefined)
  await spool.append(enc('\n'), 1, 0)
  await spool.append(enc('x\n'), 1, 1)
  assert.equal(await replay(spool, 1, '\n'), '""\nx\n')
})

test('CsvSpool moves to a temporary file past its memory limit and removes it on dispose', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wbx-csv-spool-'))
  try {
    const spool = new CsvSpool(8, dir)
    await spool.append(enc('1,2\n'), 1, 2)
    assert.deepEqual(await readdir(dir), [])
    await spool.append(enc('"q,\n",4\n'), 1, 2)
    const files = await readdir(dir)
    assert.equal(files.length, 1)
    assert.match(files[0], /^\.wbx-csv-.*\.tmp$/)
    await spool.append(enc('5,6,7\n'), 1, 3)
    assert.equal(await replay(spool, 3, '\n'), '1,2,\n"q,\n",4,\n5,6,7\n')
    await spool.dispose()
    assert.deepEqual(await readdir(dir), [])
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
