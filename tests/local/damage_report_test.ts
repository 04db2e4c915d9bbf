/** The damage report of a `.wandb` file: what counts as damage and the lines printed for it. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { emptyDamageReport, formatDamageReport, isDamaged } from '../../src/local/damage_report.ts'

test('an empty report is not damage and prints nothing; a truncated tail alone is not damage', () => {
  const report = emptyDamageReport('run-abc.wandb')
  assert.deepEqual(report, {
    file: 'run-abc.wandb',
    lostRanges: [],
    numGaps: [],
    truncatedTail: false,
    records: 0,
  })
  assert.equal(isDamaged(report), false)
  assert.equal(formatDamageReport(report), '')
  report.truncatedTail = true
  assert.equal(isDamaged(report), false)
})

test('lost ranges and num gaps are damage, printed one line each naming the file, offsets and counts', () => {
  const report = emptyDamageReport('run-abc.wandb')
  report.lostRanges.push({ start: 32768, end: 65536, reason: 'checksum mismatch' })
  assert.equal(isDamaged(report), true)
  report.numGaps.push({ after: 41, before: 45, missing: 3 })
  assert.equal(
    formatDamageReport(report),
    'run-abc.wandb: skipped bytes 32768-65536 (32768 bytes): checksum mismatch\n' +
      'run-abc.wandb: 3 record(s) missing between record num 41 and 45',
  )
  const gapOnly = {
    ...emptyDamageReport('f.wandb'),
    numGaps: [{ after: 1, before: 3, missing: 1 }],
  }
  assert.equal(isDamaged(gapOnly), true)
})
