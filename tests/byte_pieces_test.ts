/** Output pieces lent and given back (byte_pieces.ts): reused once written, never lent twice. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { givePieceBack, lendPiece, PIECE_BYTES } from '../src/byte_pieces.ts'

test('a whole piece given back is lent again; one given back twice is lent once', () => {
  const first = lendPiece(PIECE_BYTES)
  first[0] = 7
  givePieceBack(first)
  givePieceBack(first) // a second give-back of the same lending is ignored
  const again = lendPiece(1000)
  assert.equal(again.buffer, first.buffer)
  assert.equal(again.length, 1000)
  const other = lendPiece(1000)
  assert.notEqual(other.buffer, first.buffer, 'the piece is lent to one writer at a time')
  givePieceBack(again)
  givePieceBack(other)
})

test('arrays that were not lent, and partial pieces made while none was kept, are not kept', () => {
  // Empty what earlier tests kept.
  const drained = Array.from({ length: 8 }, () => lendPiece(10))
  const stranger = new Uint8Array(PIECE_BYTES)
  givePieceBack(stranger)
  const small = lendPiece(100) // none kept: an array of its own
  assert.equal(small.length, 100)
  givePieceBack(small)
  const next = lendPiece(10)
  assert.notEqual(next.buffer, stranger.buffer)
  assert.notEqual(next.buffer, small.buffer)
  for (const piece of [...drained, next]) givePieceBack(piece)
})

test('a piece is at most PIECE_BYTES', () => {
  assert.throws(() => lendPiece(PIECE_BYTES + 1), {
    name: 'RangeError',
    message: `Cannot lend a piece of ${PIECE_BYTES + 1} bytes: use 0 to ${PIECE_BYTES}`,
  })
})
