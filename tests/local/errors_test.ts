import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  ProtobufDecodeError,
  WandbLogDamageError,
  WandbLogFormatError,
} from '../../src/local/errors.ts'

test('WandbLogFormatError keeps the file and the message as given', () => {
  const err = new WandbLogFormatError('run.wandb', 'run.wandb is not a W&B log: bad header')
  assert.equal(err.name, 'WandbLogFormatError')
  assert.equal(err.file, 'run.wandb')
  assert.equal(err.message, 'run.wandb is not a W&B log: bad header')
})

test('WandbLogDamageError names the file, the byte range, the reason and the remedy', () => {
  const range = { start: 32768, end: 65536, reason: 'checksum mismatch' }
  const err = new WandbLogDamageError('/runs/x/run-x.wandb', range as never)
  assert.equal(err.name, 'WandbLogDamageError')
  assert.equal(err.file, '/runs/x/run-x.wandb')
  assert.deepEqual(err.range, range)
  assert.equal(
    err.message,
    'Cannot read /runs/x/run-x.wandb strictly: bytes 32768-65536 are damaged (checksum mismatch); ' +
      'read without strict to skip damaged blocks',
  )
})

test('ProtobufDecodeError names the byte position', () => {
  const err = new ProtobufDecodeError('varint too long', 17)
  assert.equal(err.name, 'ProtobufDecodeError')
  assert.equal(err.position, 17)
  assert.equal(err.message, 'Cannot decode protobuf: varint too long at byte 17')
})
