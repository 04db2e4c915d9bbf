/** Run attributes decoded as the SDK's `_load_from_attrs` does; expected values are what Python prints. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { convertToDict, pyRepr, quoteSegment, splitConfig } from '../../src/api/run_attrs.ts'

test('convertToDict: null is {}, objects pass, JSON text is parsed with NaN and raw control characters', () => {
  assert.deepEqual(convertToDict(null, 'config'), {})
  assert.deepEqual(convertToDict('null', 'config'), {})
  const same = { a: 1 }
  assert.equal(convertToDict(same, 'config'), same)
  const parsed = convertToDict('{"loss": NaN, "best": -Infinity}', 'summary')
  assert.ok(Number.isNaN(parsed.loss))
  assert.equal(parsed.best, -Infinity)
  // json.loads('{"a":"x\ny"}', strict=False) == {'a': 'x\ny'}
  assert.deepEqual(convertToDict('{"a":"x\ny"}', 'summary'), { a: 'x\ny' })
})

test('convertToDict refuses a list or a number, naming the attribute', () => {
  assert.throws(
    () => convertToDict('[1, 2]', 'summary'),
    /Cannot read the run's summary: expected a JSON object/,
  )
  assert.throws(
    () => convertToDict(3, 'config'),
    /Cannot read the run's config: expected a JSON object, got number/,
  )
})

test('splitConfig unwraps {value, desc}; internal keys go to rawconfig only, first', () => {
  const { config, rawconfig } = splitConfig({
    lr: { value: 0.1, desc: null },
    _wandb: { value: { cli_version: '0.31.0' } },
    plain: 3,
    wandb_version: 1,
  })
  assert.deepEqual(config, { lr: 0.1, plain: 3 })
  assert.deepEqual(Object.keys(rawconfig), ['_wandb', 'wandb_version', 'lr', 'plain'])
  assert.deepEqual(rawconfig._wandb, { cli_version: '0.31.0' })
})

test('splitConfig keeps a key named __proto__ as an own value, not a prototype', () => {
  const input = JSON.parse('{"__proto__": {"value": {"polluted": true}}}')
  const { config } = splitConfig(input)
  assert.deepEqual(Object.keys(config), ['__proto__'])
  assert.equal(Object.getPrototypeOf(config), Object.prototype)
  assert.equal(({} as Record<string, unknown>).polluted, undefined)
})

test("pyRepr matches Python's repr() quotes and escapes", () => {
  assert.equal(pyRepr('a'), "'a'")
  assert.equal(pyRepr("it's"), `"it's"`)
  assert.equal(pyRepr(`both ' and "`), `'both \\' and "'`)
  assert.equal(pyRepr('tab\there\n'), "'tab\\there\\n'")
  assert.equal(pyRepr('\x7f\xa0\xad é'), "'\\x7f\\xa0\\xad é'")
})

test('quoteSegment matches urllib.parse.quote(s, safe="")', () => {
  assert.equal(quoteSegment('a b/c'), 'a%20b%2Fc')
  assert.equal(quoteSegment("!'()*~._-"), '%21%27%28%29%2A~._-')
  assert.equal(quoteSegment('é'), '%C3%A9')
})
