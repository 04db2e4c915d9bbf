import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { tmpdir } from 'node:os'
import { readRecords } from '../../src/local/read_records.ts'
import { readRecordsSync } from '../../src/local/read_records_sync.ts'
import { emptyDamageReport } from '../../src/local/damage_report.ts'
import { WandbLogDamageError } from '../../src/local/errors.ts'
import type { WandbRecord } from '../../src/local/record_types.ts'
import { sharedFixture, skipWithoutSharedFixtures } from '../_fixtures.ts'

const skip = skipWithoutSharedFixtures
const BAD_CRC = sharedFixture('wandb-leet-fixtures/wire/bad-crc.wandb')
/** Real logs: a 3.2 MB one of the Python writer (25 slabs of 128 KiB), and a damaged Go-writer one. */
const REAL = [
  sharedFixture(
    'wild-runs/NatalieHanzhina__nasnet_mc_concrete_droppath/run-20211010_090414-20tl2pcb/run-20tl2pcb.wandb',
  ),
  BAD_CRC,
]

async function readAsync(file: string, report = emptyDamageReport(file)): Promise<WandbRecord[]> {
  const out: WandbRecord[] = []
  for await (const batch of readRecords(file, { report, readSize: 128 * 1024 })) out.push(...batch)
  return out
}

describe('readRecordsSync', () => {
  it('yields the records and damage readRecords gives, slab by slab', { skip }, async () => {
    for (const file of REAL) {
      const report = emptyDamageReport(file)
      const reads: number[] = []
      const records: WandbRecord[] = []
      const options = { report, readSize: 128 * 1024, onRead: (n: number) => reads.push(n) }
      for (const batch of readRecordsSync(file, options)) records.push(...batch)
      const expected = emptyDamageReport(file)
      assert.deepEqual(records, await readAsync(file, expected), file)
      assert.deepEqual(report, expected, file)
      assert.ok(reads.length >= 1 && reads.every((n, i) => i === 0 || n >= reads[i - 1]))
    }
  })

  it('decodes only the asked types, in batches of the asked size', { skip }, () => {
    const batches = [...readRecordsSync(REAL[0], { types: new Set(['history']), batchSize: 50 })]
    assert.deepEqual(batches.map((b) => b.length), [50, 50, 43])
    assert.ok(batches.flat().every((r) => r.type === 'history'))
  })

  it(
    'throws at the first damage when strict, and for a folder or a bad batch size',
    { skip },
    () => {
      assert.throws(() => [...readRecordsSync(BAD_CRC, { strict: true })], WandbLogDamageError)
      assert.throws(() => [...readRecordsSync(tmpdir())], /regular files only/)
      assert.throws(() => [...readRecordsSync(BAD_CRC, { batchSize: 0 })], RangeError)
    },
  )
})
