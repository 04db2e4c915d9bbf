import { test } from 'node:test'
import assert from 'node:assert/strict'
import { toLongLayout } from '../../src/export/long_layout.ts'
import type { Row } from '../../src/row.ts'
import { batchStream, fixtureRows } from './_helpers.ts'

async function longRows(input: Row[][], flatten?: boolean): Promise<Row[]> {
  const out: Row[] = []
  for await (
    const batch of batchStream(input).pipeThrough(
      toLongLayout({ flatten }),
    ) as unknown as AsyncIterable<Row[]>
  ) {
    assert.ok(Array.isArray(batch))
    out.push(...batch)
  }
  return out
}

test('toLongLayout writes one typed row per step and key, numbers in value, the rest as JSON text', async () => {
  const rows = fixtureRows('nan_inf').slice(0, 2)
  const media = fixtureRows('media')[0]
  const long = await longRows([rows, [{ ...media, done: true, note: 'ok', missing: null }]])
  assert.deepEqual(long.slice(0, 5), [
    { _step: 0, key: 'edge/flat', value: 1.5, value_json: null },
    { _step: 0, key: 'edge/nan_inf', value: 0, value_json: null },
    { _step: 0, key: 'edge/single_point', value: 42, value_json: null },
    { _step: 1, key: 'edge/flat', value: 1.5, value_json: null },
    { _step: 1, key: 'edge/nan_inf', value: NaN, value_json: null },
  ])
  const mediaRows = long.slice(5)
  assert.deepEqual(mediaRows.map((r) => r.key), [
    'samples',
    'gallery',
    'train/loss',
    'done',
    'note',
    'missing',
  ])
  assert.equal(mediaRows[0].value, null)
  assert.deepEqual(JSON.parse(mediaRows[0].value_json as string), media.samples)
  assert.deepEqual(mediaRows.slice(2).map((r) => [r.value, r.value_json]), [
    [0.9, null],
    [null, 'true'],
    [null, '"ok"'],
    [null, 'null'],
  ])
})

test('toLongLayout numbers rows without a numeric _step by their 0-based index and keeps the odd _step as a key', async () => {
  const long = await longRows([[{ a: 1 }, { a: 2 }], fixtureRows('bad_steps').slice(0, 2)], false)
  // Rows 2 and 3 are {"_step": "5"} and {"_step": 5.5}: the first keeps its odd _step as a key row,
  // the second has a numeric _step and no other key, so it makes no long row.
  assert.deepEqual(long, [
    { _step: 0, key: 'a', value: 1, value_json: null },
    { _step: 1, key: 'a', value: 2, value_json: null },
    { _step: 2, key: '_step', value: null, value_json: '"5"' },
  ])
})

test('toLongLayout flattens nested keys and spells NaN inside objects as strings', async () => {
  const long = await longRows([[{ _step: 3, opt: { lr: 0.1, betas: [0.9, NaN] } }]])
  assert.deepEqual(long, [
    { _step: 3, key: 'opt.lr', value: 0.1, value_json: null },
    { _step: 3, key: 'opt.betas', value: null, value_json: '[0.9,"NaN"]' },
  ])
})
