import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync } from 'node:fs'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { isStaleTempName, removeStaleTemps } from '../../src/fs/stale_temps.ts'

/** A pid no process has (above Linux's pid_max limit of 2^22). */
const DEAD = 4_194_999

test('only wbx names of dead writers (or old legacy names) count as stale', () => {
  const now = Date.now()
  assert.equal(isStaleTempName(`.wbx-out-${DEAD}-0123456789ab.tmp`, now), true)
  assert.equal(isStaleTempName(`.wbx-out-${process.pid}-0123456789ab.tmp`, now), false)
  assert.equal(isStaleTempName(`.part-00000.parquet.${DEAD}-0123456789ab.wbx-tmp`, now), true)
  assert.equal(isStaleTempName(`model.bin.${DEAD}-0123456789ab.part`, now), true)
  assert.equal(isStaleTempName('.wbx-parquet-0123456789abcdef.tmp', now), false)
  assert.equal(isStaleTempName('.wbx-parquet-0123456789abcdef.tmp', now - 2 * 3600_000), true)
  assert.equal(isStaleTempName('notes.tmp', now - 2 * 3600_000), false)
  assert.equal(isStaleTempName('model.part', now - 2 * 3600_000), false)
})

test('removeStaleTemps removes leftovers, keeps live ones, user files and links', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-stale-'))
  try {
    const names = {
      out: `.wbx-out-${DEAD}-0123456789ab.tmp`,
      parquet: '.wbx-parquet-0123456789abcdef.tmp',
      part: `f.txt.${DEAD}-0123456789ab.part`,
      live: `.wbx-out-${process.pid}-0123456789ab.tmp`,
      user: 'results.csv',
    }
    for (const name of Object.values(names)) writeFileSync(join(dir, name), 'x')
    const old = new Date(Date.now() - 2 * 3600_000)
    utimesSync(join(dir, names.parquet), old, old)
    writeFileSync(join(dir, 'target'), 'keep me')
    const link = `.wbx-csv-${DEAD}-0123456789ab.tmp`
    symlinkSync(join(dir, 'target'), join(dir, link))
    const removed = await removeStaleTemps(dir)
    assert.deepEqual(removed.sort(), [names.out, names.parquet, names.part].sort())
    assert.deepEqual(readdirSync(dir).sort(), [link, names.live, names.user, 'target'].sort())
    assert.equal(readFileSync(join(dir, 'target'), 'utf8'), 'keep me')
    assert.deepEqual(await removeStaleTemps(join(dir, 'missing')), [])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
