import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { openLocalSource } from '../../src/cli/local_source.ts'
import { WandbLogDamageError } from '../../src/local/errors.ts'
import type { Row } from '../../src/row.ts'
import { sharedFixture, skipWithoutSharedFixtures } from '../_fixtures.ts'

const skip = skipWithoutSharedFixtures
const WM5 = sharedFixture('wandb-leet-fixtures/wandb/workspace-multi/wandb')
const BAD_CRC = sharedFixture('wandb-leet-fixtures/wire/bad-crc.wandb')
const signal = new AbortController().signal

async function drain(stream: ReadableStream<Row[]>): Promise<Row[]> {
  const rows: Row[] = []
  for await (const batch of stream) rows.push(...batch)
  return rows
}

/** The folder of run wm5best (train/loss and train/accuracy on steps 0-29). */
async function wm5(): Promise<string> {
  const name = (await readdir(WM5)).find((n) => n.endsWith('-wm5best'))
  assert.ok(name, `no wm5best folder in ${WM5}`)
  return join(WM5, name)
}

describe('openLocalSource', () => {
  it(
    'history reads the rows without the full pass and reports never-logged keys',
    { skip },
    async () => {
      const folder = await wm5()
      const source = await openLocalSource(folder, 'history', { signal })
      assert.throws(() => source.summary(signal), /metadata: 'minimal'/)
      const keys = ['train/loss', 'nope']
      let missing: string[] = []
      const rows = await drain(
        source.history({ keys, signal, onMissingKeys: (k) => (missing = k) }),
      )
      assert.equal(rows.length, 30)
      assert.deepEqual(rows[0], { _step: 0, 'train/loss': 1.952054 })
      assert.deepEqual(missing, ['nope'])
    },
  )

  it(
    'reports keys by the rows the filters examined, not by the rows they kept',
    { skip },
    async () => {
      const folder = await wm5()
      const source = await openLocalSource(folder, 'history', { signal })
      const keys = ['train/accuracy', 'nope']
      let missing: string[] = []
      const onMissingKeys = (k: string[]) => (missing = k)
      const all = await drain(source.history({ keys, keysMode: 'all', signal, onMissingKeys }))
      assert.equal(all.length, 0)
      assert.deepEqual(missing, ['nope'], 'train/accuracy had values, in rows without nope')
      const late = await drain(
        source.history({ keys: ['train/loss'], minStep: 100, signal, onMissingKeys }),
      )
      assert.equal(late.length, 0)
      assert.deepEqual(missing, ['train/loss'], 'no value in the selected steps')
    },
  )

  it('other commands get the full pass', { skip }, async () => {
    const source = await openLocalSource(await wm5(), 'info', { signal })
    const info = await source.info(signal)
    assert.equal(info.history_line_count, 30)
    assert.deepEqual(info.history_keys, ['_step', 'train/loss', 'train/accuracy'])
  })

  it('system and logs read a damaged file, warning once; strict fails', { skip }, async () => {
    const source = await openLocalSource(BAD_CRC, 'system', { signal })
    await drain(await source.systemMetrics(signal))
    await drain(source.history({ signal }))
    const warnings = source.warnings()
    assert.equal(warnings.length, 1)
    assert.equal(warnings[0].match(/skipped bytes/g)?.length, 1)
    assert.match(warnings[0], /skipped bytes 143-293 \(150 bytes\): checksum mismatch/)
    await assert.rejects(
      openLocalSource(BAD_CRC, 'logs', { strict: true, signal }),
      WandbLogDamageError,
    )
  })
})
