import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ColumnOrder } from '../../src/export/column_order.ts'

test('ColumnOrder discovers keys in first-seen order with _step first', () => {
  const order = new ColumnOrder()
  assert.equal(order.fixed, false)
  assert.equal(order.discover([{ loss: 1, acc: 2 }, { loss: 1, acc: 2 }, { lr: 3, _step: 0 }]), 4)
  assert.deepEqual(order.names, ['_step', 'loss', 'acc', 'lr'])
  assert.equal(order.discover([{ loss: 0, _step: 1 }]), 0)
})

test('ColumnOrder.discover reads only rows[start..end)', () => {
  const order = new ColumnOrder()
  const rows = [{ a: 1 }, { b: 1 }, { c: 1 }, { d: 1 }]
  assert.equal(order.discover(rows, 1, 3), 2)
  assert.deepEqual(order.names, ['b', 'c'])
})

test('ColumnOrder.freeze keeps a late _step at the end', () => {
  const order = new ColumnOrder()
  order.discover([{ x: 1 }])
  order.freeze()
  order.discover([{ _step: 1, y: 2 }])
  assert.deepEqual(order.names, ['x', '_step', 'y'])
})

test('ColumnOrder with fixed columns keeps them and refuses bad ones by name', () => {
  const order = new ColumnOrder(['b', 'a'])
  assert.equal(order.fixed, true)
  assert.equal(order.discover([{ a: 1, c: 2, _step: 0 }]), 0)
  assert.deepEqual(order.names, ['b', 'a'])
  assert.throws(() => new ColumnOrder(['a', 'a']), {
    name: 'RangeError',
    message: 'Cannot use column "a" twice: remove the duplicate from columns',
  })
  assert.throws(() => new ColumnOrder(['a', 3 as unknown as string]), {
    name: 'TypeError',
    message: 'Cannot use column 3: column names must be strings',
  })
})
