import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseByteSize } from '../../src/cli/byte_size.ts'

test('sizes with SI and IEC units, any case, become whole bytes', () => {
  assert.equal(parseByteSize('500MB'), 500_000_000)
  assert.equal(parseByteSize('500mb'), 500_000_000)
  assert.equal(parseByteSize('2GiB'), 2 * 1024 ** 3)
  assert.equal(parseByteSize('1.5k'), 1500)
  assert.equal(parseByteSize('64 KiB'), 65536)
  assert.equal(parseByteSize('1000000'), 1_000_000)
  assert.equal(parseByteSize('7b'), 7)
})

test('anything else is a RangeError that quotes the text and shows the form', () => {
  for (const bad of ['', 'lots', '-5MB', '0', '5 parsecs', '0.1']) {
    assert.throws(() => parseByteSize(bad), (err: Error) => {
      assert.ok(err instanceof RangeError)
      assert.match(err.message, new RegExp(`size ${JSON.stringify(bad)}.*500MB`))
      return true
    })
  }
})
