import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { plotCommand } from '../../../src/cli/commands/plot.ts'
import { tempDir } from '../../bulk/_project.ts'
import { runInProcess } from './_in_process.ts'

test('wbx plot writes an SVG line chart of the chosen keys of the sample run', async () => {
  const { dir, cleanup } = tempDir('plot')
  try {
    const output = join(dir, 'chart.svg')
    const { code, err } = await runInProcess(plotCommand, {
      keys: ['val/loss,lr'],
      output,
      width: '640',
      height: '320',
      title: 'sample losses',
    })
    assert.equal(code, 0, err)
    const svg = await readFile(output, 'utf8')
    assert.match(svg, /^<svg[^>]*width="640"[^>]*height="320"/)
    assert.match(svg, /sample losses/)
    assert.match(svg, /data-series="lr"/)
    assert.match(svg, /data-series="val\/loss"/)
    assert.ok((svg.match(/<path|<polyline/g) ?? []).length >= 2, 'one line per key')
    assert.match(err, /chart\.svg/, 'the result line names the file')
  } finally {
    cleanup()
  }
})

test('wbx plot refuses keys without numbers and a missing output path', async () => {
  const { dir, cleanup } = tempDir('plot-refuse')
  try {
    await assert.rejects(
      runInProcess(plotCommand, { keys: ['no_such_key'], output: join(dir, 'x.svg'), quiet: true }),
      /No numeric values for --keys no_such_key/,
    )
    await assert.rejects(runInProcess(plotCommand, { keys: ['lr'], quiet: true }))
  } finally {
    cleanup()
  }
})
