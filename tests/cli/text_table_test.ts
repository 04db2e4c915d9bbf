import { test } from 'node:test'
import assert from 'node:assert/strict'
import { textTable } from '../../src/cli/text_table.ts'

test('textTable pads every column to its widest cell and trims trailing spaces', () => {
  const out = textTable([{ name: 'a', n: 10 }, { name: 'longer', n: 2 }], ['name', 'n'])
  assert.equal(out, 'name    n\na       10\nlonger  2\n')
})

test('textTable spells arrays with commas, objects as JSON, null and missing as empty', () => {
  const rows = [{ tags: ['x', 'y'], cfg: { a: 1 }, gone: null }]
  const out = textTable(rows, ['tags', 'cfg', 'gone', 'absent'])
  assert.equal(out, 'tags  cfg      gone  absent\nx,y   {"a":1}\n')
})

test('textTable with no rows prints the header line only', () => {
  assert.equal(textTable([], ['id', 'state']), 'id  state\n')
})
