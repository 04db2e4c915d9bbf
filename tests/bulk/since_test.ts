import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseSince, passesSince, timeMs } from '../../src/bulk/since.ts'

const NOW = Date.parse('2024-05-10T12:00:00.000Z')

test('parseSince reads dates (no zone is UTC) with an optional field prefix', () => {
  assert.deepEqual(parseSince('2024-05-01', NOW), {
    field: 'created',
    time: '2024-05-01T00:00:00.000Z',
  })
  assert.deepEqual(parseSince('updated:2024-05-01T12:30:00', NOW), {
    field: 'updated',
    time: '2024-05-01T12:30:00.000Z',
  })
  assert.equal(
    parseSince('created: 2024-05-01T12:00:00+02:00', NOW).time,
    '2024-05-01T10:00:00.000Z',
  )
})

test('parseSince reads ages relative to now', () => {
  assert.equal(parseSince('7d', NOW).time, '2024-05-03T12:00:00.000Z')
  assert.equal(parseSince('12h', NOW).time, '2024-05-10T00:00:00.000Z')
  assert.equal(parseSince('30m', NOW).time, '2024-05-10T11:30:00.000Z')
  assert.equal(parseSince('1w', NOW).time, '2024-05-03T12:00:00.000Z')
  assert.equal(parseSince('1.5h', NOW).time, '2024-05-10T10:30:00.000Z')
})

test('parseSince names the text it cannot read', () => {
  for (const bad of ['yesterday', '7y', '', 'updated:']) {
    assert.throws(() => parseSince(bad, NOW), (err: unknown) => {
      assert.ok(err instanceof RangeError)
      assert.ok(err.message.startsWith(`Cannot use --since '${bad}': expected`), err.message)
      return true
    })
  }
})

test('timeMs treats a zoneless W&B time as UTC and unreadable text as NaN', () => {
  assert.equal(timeMs('2024-05-01T00:00:00'), Date.parse('2024-05-01T00:00:00Z'))
  assert.equal(timeMs('2024-05-01T00:00:00+01:00'), Date.parse('2024-04-30T23:00:00Z'))
  assert.ok(Number.isNaN(timeMs(null)))
  assert.ok(Number.isNaN(timeMs('')))
  assert.ok(Number.isNaN(timeMs('garbage')))
})

test('passesSince compares the chosen field inclusively; a missing time fails', () => {
  const created = parseSince('2024-05-01', NOW)
  const updated = parseSince('updated:2024-05-01', NOW)
  assert.equal(passesSince(undefined, null, null), true)
  assert.equal(passesSince(created, '2024-05-01T00:00:00', null), true)
  assert.equal(passesSince(created, '2024-04-30T23:59:59', '2024-06-01T00:00:00'), false)
  assert.equal(passesSince(updated, '2024-04-30T23:59:59', '2024-06-01T00:00:00'), true)
  assert.equal(passesSince(updated, '2024-06-01T00:00:00', null), false)
})
