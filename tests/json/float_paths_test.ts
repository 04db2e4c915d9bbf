import { test } from 'node:test'
import assert from 'node:assert/strict'
import { integralFloatPaths } from '../../src/json/float_paths.ts'

test('integralFloatPaths names the keys whose integral values were spelled as floats', () => {
  const text =
    '{"_step": 3, "loss": 1.0, "lr": 0.5, "big": 1e+16, "eval": {"score": 2.0, "n": 4}, "a\\"b": 3.00, "list": [1.0], "s": "2.0,"}'
  assert.deepEqual(integralFloatPaths(text), ['loss', 'big', 'eval.score', 'a"b'])
})

test('integralFloatPaths answers undefined when nothing is an integral float', () => {
  assert.equal(integralFloatPaths('{"loss": 0.25, "n": 3, "x": 1.5e-3}'), undefined)
  assert.equal(integralFloatPaths('{"name": "v1.0"}'), undefined)
  assert.deepEqual(integralFloatPaths('{"neg": -0.0}'), ['neg'])
})
