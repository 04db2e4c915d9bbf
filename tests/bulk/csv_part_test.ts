import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import { csvPartColumns, CsvRecordSplitter, rewriteCsvPart } from '../../src/bulk/csv_part.ts'
import { tempDir } from './_project.ts'

test('the splitter keeps quoted commas, quotes and line breaks inside one field, across chunks', () => {
  const s = new CsvRecordSplitter()
  const text = 'a,"b,c"\r\n"x""y","line\r\none"\r\n1,'
  const records: string[][] = []
  for (const ch of text) records.push(...s.feed(ch)) // one character per chunk
  records.push(...s.end())
  assert.deepEqual(records, [['a', '"b,c"'], ['"x""y"', '"line\r\none"'], ['1', '']])
  assert.equal(s.eol, '\r\n')
})

test('a CSV part gets the schema: its cells kept, missing columns empty, ints of DOUBLE columns as floats', async () => {
  const { dir, cleanup } = tempDir('csv-part')
  try {
    const path = join(dir, 'part-00000.csv')
    writeFileSync(path, '_step,"we,ird",loss,note\n0,1,2,"a ""q"", b"\n1,,0.5,\n2,-3,NaN,x\n')
    assert.deepEqual(await csvPartColumns(path), ['_step', 'we,ird', 'loss', 'note'])
    const written = await rewriteCsvPart(dir, path, {
      columns: ['_step', 'late', 'loss', 'note', 'we,ird'],
      types: { _step: 'int', late: 'double', loss: 'double', note: 'string', 'we,ird': 'json' },
    })
    const text = readFileSync(path, 'utf8')
    assert.equal(
      text,
      '_step,late,loss,note,"we,ird"\n0,,2.0,"a ""q"", b",1\n1,,0.5,,\n2,,NaN,x,-3\n',
    )
    assert.equal(written.bytes, Buffer.byteLength(text))
    assert.equal(written.sha256, createHash('sha256').update(text).digest('hex'))
  } finally {
    cleanup()
  }
})
