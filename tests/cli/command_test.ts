import { test } from 'node:test'
import assert from 'node:assert/strict'
import { helpOption, outputOptions, sourceOptions } from '../../src/cli/command.ts'

test('the shared output options are the exporter choices', () => {
  for (
    const name of [
      'format',
      'output',
      'layout',
      'flatten',
      'nan',
      'infinity',
      'json-columns',
      'codec',
      'quiet',
    ]
  ) assert.ok(Object.hasOwn(outputOptions, name), `no --${name}`)
  assert.equal(outputOptions.output.short, 'o')
  assert.equal(outputOptions.quiet.type, 'boolean')
  assert.equal(outputOptions.format.type, 'string')
  assert.ok(Object.hasOwn(sourceOptions, 'strict'))
  assert.deepEqual(helpOption, {
    help: { type: 'boolean', short: 'h', description: 'Show this help' },
  })
})
