import { test } from 'node:test'
import assert from 'node:assert/strict'
import { choiceOption, intOption, listOption } from '../../src/cli/parse_values.ts'
import { UsageError } from '../../src/cli/usage_error.ts'

test('intOption reads integers and quotes a value that is not one', () => {
  assert.equal(intOption({}, 'min-step'), undefined)
  assert.equal(intOption({ 'min-step': '12' }, 'min-step'), 12)
  assert.equal(intOption({ 'min-step': '-3' }, 'min-step'), -3)
  for (const bad of ['1.5', 'ten', '', '1e3']) {
    assert.throws(() => intOption({ 'min-step': bad }, 'min-step'), {
      name: 'UsageError',
      message: `--min-step must be an integer, got "${bad}"`,
    })
  }
})

test('listOption splits repeats and commas, drops blanks, refuses an empty list', () => {
  assert.equal(listOption({}, 'keys'), undefined)
  assert.deepEqual(listOption({ keys: 'a, b' }, 'keys'), ['a', 'b'])
  assert.deepEqual(listOption({ keys: ['a,b', ' c ', ''] }, 'keys'), ['a', 'b', 'c'])
  assert.throws(() => listOption({ keys: ' , ' }, 'keys'), (err: unknown) => {
    assert.ok(err instanceof UsageError)
    assert.equal(err.message, '--keys needs at least one value')
    return true
  })
})

test('choiceOption accepts a listed choice and names the choices otherwise', () => {
  const formats = ['csv', 'ndjson', 'parquet'] as const
  assert.equal(choiceOption({}, 'format', formats), undefined)
  assert.equal(choiceOption({ format: 'csv' }, 'format', formats), 'csv')
  assert.throws(() => choiceOption({ format: 'xml' }, 'format', formats), {
    name: 'UsageError',
    message: 'Unknown --format "xml"; use csv, ndjson, parquet',
  })
})
